/**
 * Units of the cited metrics, read from the metric name's suffix, and units as a model
 * writes them. The gate converts a cited value into the metric's own unit before it
 * compares (1.2 GWh against 1,234,000 kWh; 93 % against a 0.93 ratio).
 */
export type MetricUnitClass = 'energy' | 'power' | 'eui' | 'ratio' | 'percentile' | 'signed-fraction' | 'hours' | 'celsius' | 'slope' | 'energy-per-day' | 'area' | 'count';

export type WrittenUnitClass =
  | 'energy'
  | 'power'
  | 'eui'
  | 'percent'
  | 'ordinal'
  | 'hours'
  | 'celsius'
  | 'slope'
  | 'energy-per-day'
  | 'area'
  | 'days'
  | 'weeks'
  | 'months'
  | 'times'
  | 'power-density'
  | 'none'
  | 'unknown';

export interface WrittenUnit {
  unitClass: WrittenUnitClass;
  /** Multiplier into the metric's base unit (kWh, kW); 1 otherwise. */
  scale: number;
}

export const metricUnitClass = (metric: string): MetricUnitClass => {
  const last = metric.slice(metric.lastIndexOf('.') + 1);
  if (/KwhPerSqm$/.test(last)) return 'eui';
  if (/KwhPerDegC$/.test(last)) return 'slope';
  if (/KwhPerDay$/.test(last)) return 'energy-per-day';
  if (/kwh$/i.test(last)) return 'energy';
  if (/Kw$/.test(last)) return 'power';
  if (/Hours$/.test(last)) return 'hours';
  if (/BalancePointC$/.test(last)) return 'celsius';
  if (/Percentile$/.test(last)) return 'percentile';
  if (/Pct$/.test(last)) return 'signed-fraction';
  if (/Ratio$|^loadFactor$|^r$|^r2$/.test(last)) return 'ratio';
  if (last === 'sqm') return 'area';
  return 'count';
};

/** Unit name shown for a metric class (for synthesized answers and messages). */
export const METRIC_UNIT_LABEL: Record<MetricUnitClass, string | undefined> = {
  energy: 'kWh',
  power: 'kW',
  eui: 'kWh/m²',
  ratio: undefined,
  percentile: undefined,
  'signed-fraction': undefined,
  hours: 'h',
  celsius: '°C',
  slope: 'kWh/°C',
  'energy-per-day': 'kWh/day',
  area: 'm²',
  count: undefined,
};

const ENERGY_WORD = '(?:kwh|kilowatt[- ]?hours?)';
const UNIT_PATTERNS: [RegExp, WrittenUnit][] = [
  // US units: site EUI in kBtu/ft² (1 kBtu/ft² = 3.1546 kWh/m²), energy in MMBtu, kBtu and therms.
  [/^kbtu\s*(?:\/|per)\s*(?:ft²|ft2|sq\.?\s*ft|square\s+f(?:ee|oo)t)(?:\s*(?:\/|per)\s*(?:yr|year))?/i, { unitClass: 'eui', scale: 3.15459 }],
  [/^(?:mmbtu|million\s+btu)\b/i, { unitClass: 'energy', scale: 293.071 }],
  [/^kbtu\b/i, { unitClass: 'energy', scale: 0.293071 }],
  [/^therms?\b/i, { unitClass: 'energy', scale: 29.3071 }],
  [
    new RegExp(`^${ENERGY_WORD}\\s*(?:\\/|per)\\s*(?:m²|m2|m\\^2|sqm|sq\\.?\\s*m|square\\s+met(?:re|er))(?:\\s*(?:\\/|per|·|a|\\.)\\s*(?:yr|year|annum))?`, 'i'),
    { unitClass: 'eui', scale: 1 },
  ],
  [new RegExp(`^${ENERGY_WORD}\\s*(?:\\/|per)\\s*(?:(?:day|d)\\s*(?:\\/|per)\\s*)?(?:°\\s*c|c\\b|deg(?:ree)?s?\\s*(?:c(?:elsius)?)?|k\\b)`, 'i'), { unitClass: 'slope', scale: 1 }],
  [new RegExp(`^${ENERGY_WORD}\\s*(?:\\/|per|a|each)\\s*(?:day|d\\b)`, 'i'), { unitClass: 'energy-per-day', scale: 1 }],
  [new RegExp(`^${ENERGY_WORD}\\s*(?:\\/|per|an|each)\\s*(?:hour|h\\b)`, 'i'), { unitClass: 'power', scale: 1 }],
  [/^(?:w|watts?)\s*(?:\/|per)\s*(?:m²|m2\b|sqm\b|square\s+met(?:re|er))/i, { unitClass: 'power-density', scale: 1 }],
  [/^(?:gwh|gigawatt[- ]?hours?)\b/i, { unitClass: 'energy', scale: 1e6 }],
  [/^(?:mwh|megawatt[- ]?hours?)\b/i, { unitClass: 'energy', scale: 1e3 }],
  [new RegExp(`^${ENERGY_WORD}\\b`, 'i'), { unitClass: 'energy', scale: 1 }],
  [/^(?:wh|watt[- ]?hours?)\b/i, { unitClass: 'energy', scale: 1e-3 }],
  [/^(?:mw|megawatts?)\b/i, { unitClass: 'power', scale: 1e3 }],
  [/^(?:kw|kilowatts?)\b/i, { unitClass: 'power', scale: 1 }],
  [/^(?:%|percent\b|per\s*cent\b|pct\b|percentage points?\b)/i, { unitClass: 'percent', scale: 1 }],
  [/^(?:th|st|nd|rd)\b/i, { unitClass: 'ordinal', scale: 1 }],
  [/^(?:percentile)\b/i, { unitClass: 'ordinal', scale: 1 }],
  [/^(?:times\b|x\b|×|-?fold\b)/i, { unitClass: 'times', scale: 1 }],
  [/^(?:h|hrs?|hours?)\b/i, { unitClass: 'hours', scale: 1 }],
  [/^(?:days?)\b/i, { unitClass: 'days', scale: 1 }],
  [/^(?:weeks?)\b/i, { unitClass: 'weeks', scale: 1 }],
  [/^(?:months?)\b/i, { unitClass: 'months', scale: 1 }],
  [/^(?:°\s*c\b|℃|deg(?:ree)?s?\s*c(?:elsius)?\b|°)/i, { unitClass: 'celsius', scale: 1 }],
  [/^(?:m²|m2\b|sqm\b|sq\.?\s*m\b|square\s+met(?:re|er)s?\b)/i, { unitClass: 'area', scale: 1 }],
  [/^(?:ft²|sq\.?\s*ft\b|square\s+f(?:ee|oo)t\b)/i, { unitClass: 'area', scale: 1 / 10.7639 }],
];

/** Reads the unit at the start of `text` (what follows a number). */
export const readUnit = (text: string): WrittenUnit & { length: number } => {
  const trimmed = text.replace(/^\s+/, '');
  const skipped = text.length - trimmed.length;
  for (const [pattern, unit] of UNIT_PATTERNS) {
    const match = pattern.exec(trimmed);
    if (match) {
      // '°' and '%' attach to the number; word units need the space we skipped to be short.
      if (skipped > 1) break;
      return { ...unit, length: skipped + match[0].length };
    }
  }
  return { unitClass: 'none', scale: 1, length: 0 };
};

/** Reads a unit given as a separate string (evidence `unit`); words a reader accepts are read too. */
export const parseUnitString = (unit: string | undefined): WrittenUnit => {
  const text = unit?.trim() ?? '';
  if (
    text === '' ||
    /^(?:ratio|fraction|-|none|count|x|×|dimensionless|unitless|n\/a|number|#|score|coefficient|r|r²|r2|index|buildings?|outages?|anomal(?:y|ies)|readings?|events?|runs?|gaps?|meters?|peers?)$/i.test(
      text,
    )
  ) {
    return { unitClass: 'none', scale: 1 };
  }
  if (/^(?:percentile|pctl|rank|th)$/i.test(text)) return { unitClass: 'ordinal', scale: 1 };
  const read = readUnit(text);
  return read.unitClass === 'none' ? { unitClass: 'unknown', scale: 1 } : read;
};

const COMPATIBLE: Record<MetricUnitClass, WrittenUnitClass[]> = {
  energy: ['energy', 'none', 'unknown'],
  power: ['power', 'none', 'unknown'],
  eui: ['eui', 'none', 'unknown'],
  ratio: ['none', 'percent', 'times', 'unknown'],
  percentile: ['ordinal', 'none', 'percent', 'unknown'],
  'signed-fraction': ['percent', 'none', 'unknown'],
  hours: ['hours', 'none', 'unknown'],
  celsius: ['celsius', 'none', 'unknown'],
  slope: ['slope', 'energy-per-day', 'none', 'unknown'],
  'energy-per-day': ['energy-per-day', 'energy', 'none', 'unknown'],
  area: ['area', 'none', 'unknown'],
  count: ['none', 'days', 'hours', 'weeks', 'months', 'unknown'],
};

export const isCompatibleUnit = (metric: string, unit: WrittenUnit): boolean => COMPATIBLE[metricUnitClass(metric)].includes(unit.unitClass);

/**
 * The readings of a cited number in the metric's own unit. A ratio cited in percent is
 * divided by 100; a signed fraction (`deviationPct`) may be cited either way.
 */
export const valuesInMetricUnit = (metric: string, value: number, unit: WrittenUnit): number[] => {
  const unitClass = metricUnitClass(metric);
  const scaled = value * unit.scale;
  if (unitClass === 'ratio') {
    return unit.unitClass === 'percent' ? [scaled / 100] : [scaled, scaled / 100];
  }
  if (unitClass === 'signed-fraction') return [scaled, scaled / 100, scaled * 100];
  return [scaled];
};
