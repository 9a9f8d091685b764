import { recognizeNumber } from '@microsoft/recognizers-text-number';
import { halfStepOf } from './number-tolerance';
import { readUnit, type WrittenUnit } from './metric-units';

/**
 * Every quantity written in a block of prose: digits with their unit ("1,401 MWh",
 * "98.5 %", "2.0 times", "7,405 valid hours"), scale words ("1.4 million kWh"),
 * ranges ("10–15 %", both ends) and numbers in words ("sixty-seven and a half kW",
 * "a third"), the latter read by Microsoft's recognizers-text number model, which is
 * only asked about sentences that hold a number word. Dates, clock times, years, ids
 * (`b12`, `R2`), standards ("ISO 50001") and list markers are not quantities.
 */
export interface Quantity {
  /** The quantity as written, unit included. */
  written: string;
  value: number;
  /** Half a unit in the last place written: the precision the writer claims. */
  halfStep: number;
  unit: WrittenUnit;
  /** Offset in the sentence. */
  start: number;
  end: number;
  /** Written with a currency sign or word. */
  money: boolean;
  /** A range ("between 32 and 34 kW", "60–70 kWh/m²"): `value` is its middle, `halfStep` half its width plus the ends' precision. */
  range?: boolean;
}

export interface Sentence {
  text: string;
  /** The sentence with dates, times, ids and metric names blanked out (same length). */
  masked: string;
}

const MASK_CHARACTER = 'Ø';
const mask = (text: string, pattern: RegExp): string => text.replace(pattern, (match) => MASK_CHARACTER.repeat(match.length));

const METRIC_NAME = /\b(?:electricity|gas|chilledwater|steam|hotwater|water|other|peers|building)(?:\.[A-Za-z0-9_-]+)+/g;
export const ISO_DATE = /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?Z?)?\b/g;
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
export const NAMED_DATE = new RegExp(
  `\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+\\d{4})?|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|${MONTH}\\s+\\d{4})\\b`,
  'gi',
);
const YEAR_MONTH = /\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])\b/g;
const CLOCK = /\b\d{1,2}:\d{2}(?:\s*(?:am|pm))?\b|\b\d{1,2}\.\d{2}\s*(?:am|pm)\b|\b\d{1,2}\s*(?:am|pm)\b|\b24\s*\/\s*7\b|\b\d{1,2}\s*-\s*\d{1,2}\s*(?:am|pm)\b/gi;
const YEAR = /\b(?:19|20)\d{2}(?!\s*(?:k?wh|mwh|gwh|kw|mw|%|h\b|hrs?\b|hours|m²|m2|days?))(?![\d,.]\d)\b/gi;
const IDENTIFIER = /\b(?![mr]2\b|co2\b)[A-Za-z]+[_-]?\d+[A-Za-z0-9]*\b|\b(?:ISO|EN|BS|ASHRAE|CIBSE|TM|Part|Level|Phase|Step|Tier|Scope|Option|Priority|No\.?|#)\s*\d+(?:\.\d+)?\b/g;
const LIST_MARKER = /(?:^|\n)\s*\(?\d{1,2}[.)](?=\s)/g;

/** Splits prose into sentences and masks what is not a quantity. */
export const sentencesOf = (text: string): Sentence[] =>
  text
    .split(/(?<=[.!?;])\s+(?=[A-Z(0-9"'“‘*-])|\n+|(?<=:)\s+(?=[-*•])|\s+[•]\s+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean)
    .map((sentence) => {
      let masked = mask(sentence, METRIC_NAME);
      masked = mask(masked, ISO_DATE);
      masked = mask(masked, YEAR_MONTH);
      masked = mask(masked, NAMED_DATE);
      masked = mask(masked, CLOCK);
      masked = mask(masked, IDENTIFIER);
      masked = mask(masked, LIST_MARKER);
      masked = mask(masked, YEAR);
      return { text: sentence, masked };
    });

const DIGITS = /(?<![\w.,Ø])[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])/g;
const SCALE = /^\s*(?:(billion|bn)|(million|mn|m(?=\s*(?:kwh|kw)\b))|(thousand|k(?=\s*(?:kwh|kw)\b)))\b/i;
const CURRENCY_BEFORE = /(?:[$£€¥]|\b(?:usd|gbp|eur)\s?)$/i;
const CURRENCY_AFTER = /^\s*(?:k\b|m\b)?\s*(?:usd|gbp|eur|dollars?|pounds?|euros?)\b/i;
const RANGE_JOIN = /^\s*(?:-|–|—|to|and)\s*$/i;
const NUMBER_WORD =
  /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|third|quarter|dozen)\b/i;
const POINT_WORDS = /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) point (zero|one|two|three|four|five|six|seven|eight|nine)\b/gi;
const POINT_WORD = new RegExp(POINT_WORDS.source, 'i');
const DIGIT_OF: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
};

/** A count noun soon after a number word ("one separate outage"). */
const COUNT_NOUN_AFTER = /^\s+(?:[a-z-]+\s+){0,2}?(?:anomal(?:y|ies)|outages?|issues?|buildings?|peers?|meters?|gaps?)\b/i;

const parseDigits = (raw: string): number => Number(raw.replace(/,/g, '').replace('−', '-'));

/** The quantities of one masked sentence. */
export const quantitiesIn = (sentence: Sentence): Quantity[] => {
  const { masked } = sentence;
  const found: Quantity[] = [];
  for (const match of masked.matchAll(DIGITS)) {
    const start = match.index ?? 0;
    let end = start + match[0].length;
    let value = parseDigits(match[0]);
    let halfStep = halfStepOf(match[0]);
    const scale = SCALE.exec(masked.slice(end));
    if (scale) {
      const factor = scale[1] ? 1e9 : scale[2] ? 1e6 : 1e3;
      value *= factor;
      halfStep *= factor;
      end += scale[0].length;
    }
    const unit = readUnit(masked.slice(end));
    const money = CURRENCY_BEFORE.test(masked.slice(Math.max(0, start - 5), start)) || CURRENCY_AFTER.test(masked.slice(end));
    found.push({
      written: masked.slice(start, end + unit.length).trim(),
      value,
      halfStep,
      unit: { unitClass: unit.unitClass, scale: unit.scale },
      start,
      end: end + unit.length,
      money,
    });
  }
  const merged = mergeRanges(found, masked);
  if (NUMBER_WORD.test(masked)) merged.push(...wordQuantities(masked, merged));
  return merged;
};

/** The widest range read as one claim, relative to its middle; a wider one is two figures, each checked. */
const MAX_RANGE_WIDTH = 0.35;

/**
 * Ranges: "between 32 and 34 kW", "from 60 to 70 kWh/m²", "10–15 %". The first end takes the
 * unit of the second. A narrow range (width ≤ MAX_RANGE_WIDTH of its middle, same unit, low
 * end first) is one claim that the figure lies inside it: its middle as `value`, half its
 * width plus the ends' own precision as `halfStep`. Any other pair stays two figures.
 */
export const mergeRanges = <T extends { start: number; end: number; written: string; value: number; halfStep: number; unit: WrittenUnit; range?: boolean }>(
  tokens: T[],
  masked: string,
): T[] => {
  const out: T[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const left = tokens[index];
    const right = tokens[index + 1];
    const join = right ? masked.slice(left.end, right.start) : '';
    const joined = right !== undefined && RANGE_JOIN.test(join) && (!/and/i.test(join) || /\bbetween\s+$/i.test(masked.slice(Math.max(0, left.start - 12), left.start)));
    if (!joined) {
      out.push(left);
      continue;
    }
    const unit = left.unit.unitClass === 'none' ? { ...right.unit } : left.unit;
    const low = left.value * (left.unit.unitClass === 'none' ? right.unit.scale : left.unit.scale);
    const high = right.value * right.unit.scale;
    const middle = (low + high) / 2;
    if (unit.unitClass === right.unit.unitClass && unit.scale === right.unit.scale && low >= 0 && high > low && (high - low) / middle <= MAX_RANGE_WIDTH) {
      out.push({
        ...left,
        end: right.end,
        written: masked.slice(left.start, right.end).trim(),
        value: middle / unit.scale,
        halfStep: (high - low) / 2 / unit.scale + Math.max(left.halfStep, right.halfStep),
        unit,
        range: true,
      });
      index += 1;
      continue;
    }
    // Not one claim: both ends are checked, the first with the second's unit.
    out.push(left.unit.unitClass === 'none' && right.unit.unitClass !== 'none' ? { ...left, unit: { ...right.unit } } : left);
  }
  return out;
};

const wordQuantities = (masked: string, digits: Quantity[]): Quantity[] => {
  // "one point four million" → "1.4 million", which the recogniser reads.
  const text = masked.replace(POINT_WORDS, (_match, whole: string, fraction: string) => {
    const replacement = `${DIGIT_OF[whole.toLowerCase()]}.${DIGIT_OF[fraction.toLowerCase()]}`;
    return replacement.padEnd(_match.length, ' ');
  });
  const quantities: Quantity[] = [];
  for (const result of recognizeNumber(text, 'en-us')) {
    const start = result.start;
    const end = result.end + 1;
    if (digits.some((digit) => start < digit.end && end > digit.start)) continue;
    if (!NUMBER_WORD.test(result.text) && !POINT_WORD.test(masked.slice(start, end))) continue;
    const value = Number(result.resolution?.value);
    if (!Number.isFinite(value)) continue;
    // "half-hourly", "half-day": a compound word, not a quantity.
    if (/^half$/i.test(result.text.trim()) && /^\s*-|^\s*hour/i.test(text.slice(end))) continue;
    // "one of", "no one", "a third party": pronoun uses of number words are not claims.
    // …unless a count noun follows ("one outage", "one separate outages").
    if (/^(?:one|a|an)$/i.test(result.text.trim()) && !(/^one$/i.test(result.text.trim()) && COUNT_NOUN_AFTER.test(text.slice(end)))) continue;
    const unit = readUnit(text.slice(end));
    // "1.1 million" claims two figures; "a third" claims about 2 %.
    const halfStep = /half|third|quarter/i.test(result.text) ? Math.abs(value) * 0.02 : halfStepOf(String(value));
    quantities.push({
      written: text.slice(start, end + unit.length).trim(),
      value,
      halfStep,
      unit: { unitClass: unit.unitClass, scale: unit.scale },
      start,
      end: end + unit.length,
      money: CURRENCY_AFTER.test(text.slice(end)),
    });
  }
  return quantities;
};
