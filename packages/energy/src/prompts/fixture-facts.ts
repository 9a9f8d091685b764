import type { BuildingFacts, MeterFacts } from '../types';

/**
 * Hand-written facts for tests of prompts, gate and synthesizer: one healthy building
 * with electricity and gas, and one with bad data (no floor area, no weather, zeros).
 */
const electricity = (): MeterFacts => ({
  meter: 'electricity',
  totalKwh: 1_183_412.3,
  annualKwh: 1_234_567.8,
  euiKwhPerSqm: 374.5,
  coverage: {
    expectedHours: 8760,
    validHours: 8398,
    missingHours: 0,
    zeroHours: 362,
    coverageRatio: 0.9587,
    longestGapHours: 46,
    outages: [{ start: '2019-10-04T02:00:00Z', end: '2019-10-06T00:00:00Z', hours: 46 }],
  },
  load: { baseloadKw: 98.6, peakKw: 241.3, loadFactor: 0.5843, weekdayWeekendRatio: 1.412, nightDayRatio: 0.6174 },
  weather: { days: 344, slopeKwhPerDegC: -21.7, r: -0.4521, changePoint: null },
  anomalies: [
    { kind: 'day-high', date: '2019-07-24', actualKwh: 5120.4, expectedKwh: 3390.2, deviationPct: 0.5104, robustZ: 6.8 },
    { kind: 'day-low', date: '2019-12-25', actualKwh: 1710.9, expectedKwh: 3301.5, deviationPct: -0.4818, robustZ: -5.9 },
    { kind: 'week-low', date: '2019-04-15', actualKwh: 17_980, expectedKwh: 23_050, deviationPct: -0.22, robustZ: -4.1 },
    { kind: 'day-high', date: '2019-03-02', actualKwh: 4010, expectedKwh: 3350, deviationPct: 0.197, robustZ: 3.2 },
  ],
  monthly: [
    { month: '2019-01', kwh: 108_230, validHours: 744 },
    { month: '2019-02', kwh: 97_410, validHours: 672 },
  ],
});

const gas = (): MeterFacts => ({
  meter: 'gas',
  totalKwh: 402_113,
  annualKwh: 455_780,
  euiKwhPerSqm: 138.3,
  coverage: { expectedHours: 8760, validHours: 7729, missingHours: 0, zeroHours: 1031, coverageRatio: 0.8823, longestGapHours: 612, outages: [] },
  load: { baseloadKw: 4.2, peakKw: 310.5, loadFactor: 0.1676, weekdayWeekendRatio: 1.18, nightDayRatio: 0.71 },
  weather: {
    days: 301,
    slopeKwhPerDegC: -95.3,
    r: -0.8712,
    changePoint: {
      model: 'heating',
      heatingBalancePointC: 15.5,
      coolingBalancePointC: null,
      heatingSlopeKwhPerDegC: 112.4,
      coolingSlopeKwhPerDegC: null,
      baseKwhPerDay: 210.7,
      r2: 0.8123,
    },
  },
  anomalies: [],
  monthly: [],
});

export const healthyFacts = (): BuildingFacts => ({
  factsVersion: 'fixture-1',
  building: { buildingId: 'b7', sqm: 3296.5, primaryUse: null, timezone: 'Europe/London', name: 'Old Schools', notes: 'Admin offices' },
  period: { start: '2019-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z', hours: 8760, timezone: 'Europe/London' },
  meters: [electricity(), gas()],
  peers: { group: 'all', groupSize: 60, euiPercentile: 71.2, medianEuiKwhPerSqm: 251.9 },
  dataIssues: [
    { kind: 'outage', severity: 'warning', message: 'electricity: 46 h outage from 2019-10-04T02:00Z' },
    { kind: 'low-coverage', severity: 'warning', message: 'gas: 88% coverage' },
    { kind: 'spikes', severity: 'info', message: 'electricity: 2 isolated spikes' },
  ],
  missing: [],
});

/** No floor area, no weather, long zero run: EUI, peers and weather are null and listed missing. */
export const badDataFacts = (): BuildingFacts => ({
  factsVersion: 'fixture-1',
  building: { buildingId: 'b54', sqm: null, primaryUse: null, timezone: 'Europe/London' },
  period: { start: '2019-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z', hours: 8760, timezone: 'Europe/London' },
  meters: [
    {
      meter: 'electricity',
      totalKwh: 402_870,
      annualKwh: 475_210,
      euiKwhPerSqm: null,
      coverage: {
        expectedHours: 8760,
        validHours: 7405,
        missingHours: 0,
        zeroHours: 1355,
        coverageRatio: 0.8453,
        longestGapHours: 1355,
        outages: [{ start: '2019-01-01T00:00:00Z', end: '2019-02-26T11:00:00Z', hours: 1355 }],
      },
      load: { baseloadKw: 31.2, peakKw: 112.8, loadFactor: 0.4815, weekdayWeekendRatio: null, nightDayRatio: 0.5512 },
      weather: null,
      anomalies: [{ kind: 'day-high', date: '2019-06-12', actualKwh: 2410, expectedKwh: 1460, deviationPct: 0.65, robustZ: 7.2 }],
      monthly: [],
    },
  ],
  peers: null,
  dataIssues: [
    { kind: 'outage', severity: 'critical', message: 'electricity reads 0 for 1,355 h from 2019-01-01' },
    { kind: 'no-floor-area', severity: 'warning', message: 'no floor area' },
    { kind: 'no-weather', severity: 'warning', message: 'no weather file' },
  ],
  missing: [
    { metric: 'electricity.euiKwhPerSqm', reason: 'floor area is 0 or absent' },
    { metric: 'peers', reason: 'no floor area, so no peer comparison' },
    { metric: 'weather', reason: 'no weather data' },
    { metric: 'electricity.load.weekdayWeekendRatio', reason: 'too few weekend days with valid data' },
  ],
});
