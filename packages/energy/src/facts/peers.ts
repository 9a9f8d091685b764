import type { BuildingFacts, PeerFacts } from '../types';
import { median } from './statistics';

export interface ComparePeersOptions {
  /** Groups smaller than this get no percentile. @defaultValue 5 */
  minGroupSize?: number;
}

const electricityEui = (facts: BuildingFacts): number | null => facts.meters.find((meter) => meter.meter === 'electricity')?.euiKwhPerSqm ?? null;

/**
 * Peer comparison on electricity EUI. The group is the building's `primaryUse`; buildings
 * without a use are compared with all buildings (`group: 'all'`). `groupSize` counts the
 * group's buildings that have an EUI. Percentile (0–100) = share of the other group members
 * with a lower EUI, ties counted half: 100 · (below + ½·tied) / (n − 1). No percentile
 * without an EUI or when the group has fewer than `minGroupSize` buildings.
 * Returns new facts objects; the input is not changed.
 */
export const comparePeers = (allFacts: BuildingFacts[], options: ComparePeersOptions = {}): BuildingFacts[] => {
  const minGroupSize = options.minGroupSize ?? 5;
  const groups = new Map<string, number[]>();
  const add = (group: string, eui: number): void => {
    let values = groups.get(group);
    if (!values) groups.set(group, (values = []));
    values.push(eui);
  };
  for (const facts of allFacts) {
    const eui = electricityEui(facts);
    if (eui === null) continue;
    if (facts.building.primaryUse) add(facts.building.primaryUse, eui);
    add('all', eui);
  }
  return allFacts.map((facts) => {
    const group = facts.building.primaryUse ?? 'all';
    const values = groups.get(group) ?? [];
    const eui = electricityEui(facts);
    const missing = [...facts.missing.filter((entry) => !entry.metric.startsWith('peers'))];
    let euiPercentile: number | null = null;
    if (eui === null) missing.push({ metric: 'peers.euiPercentile', reason: 'this building has no electricity EUI' });
    else if (values.length < minGroupSize)
      missing.push({ metric: 'peers.euiPercentile', reason: `group '${group}' has ${values.length} buildings with an EUI (${minGroupSize} needed)` });
    else {
      let below = 0;
      let tied = -1;
      for (const value of values) {
        if (value < eui) below += 1;
        else if (value === eui) tied += 1;
      }
      euiPercentile = (100 * (below + tied / 2)) / (values.length - 1);
    }
    const peers: PeerFacts = { group, groupSize: values.length, euiPercentile, medianEuiKwhPerSqm: values.length > 0 ? median(values) : null };
    return { ...facts, peers, missing };
  });
};
