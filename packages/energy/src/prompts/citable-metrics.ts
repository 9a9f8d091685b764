import type { BuildingFacts, FlatFacts } from '../types';

/**
 * The metric name → number table that prompts show and the gate checks answers against.
 *
 * Provisional: follows the naming documented on `FlatFacts` (`<meter>.<field>`,
 * `<meter>.coverage.<field>`, `<meter>.load.<field>`, `<meter>.weather.<field>`,
 * `peers.<field>`); `null` values are left out. Replace with the facts package's
 * `flattenFacts()` once it exists so both sides share one naming.
 */
export const citableMetrics = (facts: BuildingFacts): FlatFacts => {
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
    for (const month of meter.monthly) put(`${prefix}.monthly.${month.month}.kwh`, month.kwh);
  }
  if (facts.peers) {
    put('peers.groupSize', facts.peers.groupSize);
    put('peers.euiPercentile', facts.peers.euiPercentile);
    put('peers.medianEuiKwhPerSqm', facts.peers.medianEuiKwhPerSqm);
  }
  return flat;
};
