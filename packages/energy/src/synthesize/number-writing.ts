import { metricUnitClass } from '../gate/metric-units';
import { chance, pick, type Random } from './random-tools';

/**
 * Numbers written the way models write them: thousands separators, three or four
 * significant figures, kWh shown as MWh or "million kWh", ratios as percent. Rounding
 * never goes below two significant figures.
 */
const significant = (value: number, digits: number): number => Number(value.toPrecision(digits));

const withCommas = (value: number, decimals = 0): string => value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

const decimalsFor = (value: number, digits: number): number => {
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.max(0, digits - 1 - magnitude);
};

const plain = (value: number, digits: number): string => {
  const rounded = significant(value, digits);
  return withCommas(rounded, decimalsFor(rounded, digits));
};

/** A metric's value as prose text, unit included. */
export const writeProseNumber = (metric: string, value: number, random: Random): string => {
  // Always draw the same number of randoms, so a changed value never shifts later choices.
  const draws = [random(), random(), random(), random()];
  let next = 0;
  const fixedRandom: Random = () => draws[next++ % draws.length];
  return proseNumber(metric, value, fixedRandom);
};

const proseNumber = (metric: string, value: number, random: Random): string => {
  const unitClass = metricUnitClass(metric);
  const digits = chance(0.15, random) ? 2 : pick([3, 3, 4], random);
  switch (unitClass) {
    case 'energy': {
      const magnitude = Math.abs(value);
      if (magnitude >= 1e6 && chance(0.3, random)) return `${plain(value / 1e6, Math.max(digits, 3))} million kWh`;
      if (magnitude >= 1e6 && chance(0.3, random)) return `${plain(value / 1e6, Math.max(digits, 3))} GWh`;
      if (magnitude >= 2e4 && chance(0.3, random)) return `${plain(value / 1e3, digits)} MWh`;
      return magnitude >= 1000 && chance(0.5, random) ? `${withCommas(Math.round(value))} kWh` : `${plain(value, digits)} kWh`;
    }
    case 'power':
      return `${plain(value, digits)}${pick([' kW', ' kW', 'kW'], random)}`;
    case 'eui':
      return `${plain(value, digits)} ${pick(['kWh/m²', 'kWh/m2', 'kWh/m²/yr', 'kWh per m²'], random)}`;
    case 'ratio':
      return chance(0.4, random) && Math.abs(value) <= 1 && !metric.endsWith('.r') ? `${plain(value * 100, Math.min(digits, 3))}%` : plain(value, Math.min(digits, 3));
    case 'percentile':
      return `${Math.round(value)}${ordinalSuffix(Math.round(value))}`;
    case 'signed-fraction':
      return `${plain(Math.abs(Math.abs(value) <= 5 ? value * 100 : value), 2)}%`;
    case 'hours':
      return `${withCommas(Math.round(value))} ${pick(['hours', 'h', 'hours'], random)}`;
    case 'celsius':
      return `${plain(value, 3)} °C`;
    case 'slope':
      return `${plain(value, digits)} kWh/°C`;
    case 'area':
      return `${withCommas(Math.round(value))} m²`;
    default:
      return plain(value, digits);
  }
};

const ordinalSuffix = (value: number): string => {
  if (value % 100 >= 11 && value % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][value % 10] ?? 'th';
};

/** A metric's value as an evidence entry: exact, rounded, or in another unit. */
export const writeEvidence = (metric: string, value: number, random: Random): { metric: string; value: number; unit?: string } => {
  const unitClass = metricUnitClass(metric);
  const style = random();
  const withUnit = random() < 0.7;
  if (unitClass === 'energy' && Math.abs(value) >= 2e4 && style < 0.2) return { metric, value: significant(value / 1e3, 4), unit: 'MWh' };
  if (unitClass === 'ratio' && Math.abs(value) <= 1 && style < 0.2) return { metric, value: significant(value * 100, 3), unit: '%' };
  const rounded = style < 0.5 ? significant(value, 4) : style < 0.85 ? significant(value, 3) : value;
  const unit = {
    energy: 'kWh',
    power: 'kW',
    eui: 'kWh/m²',
    hours: 'h',
    celsius: '°C',
    slope: 'kWh/°C',
    area: 'm²',
    'energy-per-day': 'kWh/day',
  }[unitClass as string];
  return unit !== undefined && withUnit ? { metric, value: rounded, unit } : { metric, value: rounded };
};
