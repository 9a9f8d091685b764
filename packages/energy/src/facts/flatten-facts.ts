import type { BuildingFacts, FlatFacts } from '../types';

/**
 * The metric name → number table prompts cite and the gate checks. Names:
 * `building.sqm`; per meter `<meter>.totalKwh`, `<meter>.annualKwh`, `<meter>.euiKwhPerSqm`,
 * `<meter>.coverage.<field>` (`expectedHours`, `validHours`, `missingHours`, `zeroHours`,
 * `negativeHours`, `coverageRatio`, `longestGapHours`, `outageCount`), `<meter>.load.<field>`,
 * `<meter>.weather.days|slopeKwhPerDegC|r`, `<meter>.weather.changePoint.<field>`,
 * `<meter>.monthly.<YYYY-MM>.kwh`, `<meter>.anomalyCount`; `peers.groupSize`,
 * `peers.euiPercentile`, `peers.medianEuiKwhPerSqm`. `null` and non-finite values are left out.
 */
export const flattenFacts = (facts: BuildingFacts): FlatFacts => {
  const flat: FlatFacts = {};
  const put = (name: string, value: number | null | undefined): void => {
    if (typeof value === 'number' && Number.isFinite(value)) flat[name] = value;
  };
  put('building.sqm', facts.building.sqm);
  for (const meter of facts.meters) {
    const prefix = meter.meter;
    put(`${prefix}.totalKwh`, meter.totalKwh);
    put(`${prefix}.annualKwh`, meter.annualKwh);
    put(`${prefix}.euiKwhPerSqm`, meter.euiKwhPerSqm);
    for (const [key, value] of Object.entries(meter.coverage)) {
      if (typeof value === 'number') put(`${prefix}.coverage.${key}`, value);
    }
    put(`${prefix}.coverage.outageCount`, meter.coverage.outages.length);
    for (const [key, value] of Object.entries(meter.load)) put(`${prefix}.load.${key}`, value);
    if (meter.weather) {
      put(`${prefix}.weather.days`, meter.weather.days);
      put(`${prefix}.weather.slopeKwhPerDegC`, meter.weather.slopeKwhPerDegC);
      put(`${prefix}.weather.r`, meter.weather.r);
      const changePoint = meter.weather.changePoint;
      if (changePoint) {
        for (const [key, value] of Object.entries(changePoint)) {
          if (typeof value === 'number') put(`${prefix}.weather.changePoint.${key}`, value);
        }
      }
    }
    put(`${prefix}.anomalyCount`, meter.anomalies.length);
    for (const month of meter.monthly) put(`${prefix}.monthly.${month.month}.kwh`, month.kwh);
  }
  if (facts.peers) {
    put('peers.groupSize', facts.peers.groupSize);
    put('peers.euiPercentile', facts.peers.euiPercentile);
    put('peers.medianEuiKwhPerSqm', facts.peers.medianEuiKwhPerSqm);
  }
  return flat;
};
