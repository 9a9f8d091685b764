import type { PromptData } from '../prompts/prompt-data';
import { isCompatibleUnit, readUnit, type WrittenUnit } from './metric-units';
import { halfStepOf } from './number-tolerance';
import { mergeRanges } from './quantities';

/**
 * Numbers in an answer's prose that state a fact about the building.
 *
 * A number is attributed to a metric when a metric phrase sits right before it
 * ("baseload of about 45 kW", "EUI is 212 kWh/m²") or right after it ("a 120 kW peak",
 * "the 85th percentile"), with no other number, clause break or change word ("by",
 * "to", "save", "target", "below", …) between, and its unit fits the metric. A metric
 * name written out (`electricity.load.peakKw = 120`) is attributed to that name.
 * The meter is the one named last before the number in its sentence ("gas", "electricity"),
 * else the one the surrounding finding cites (`options.meter`), else any meter.
 * In a sentence naming an anomaly's date, kWh figures are that day's use: a figure
 * marked as expected ("an expected 3,390 kWh", "3,390 kWh was expected", "a typical …")
 * is the expected use, and the other figures are then the actual use; with no such
 * mark, either. Numbers nothing attributes (savings, targets, counts, dates) are not checked.
 */
export interface ProseClaimOptions {
  /** Meter of the finding or recommendation the text belongs to, for sentences that name none. */
  meter?: string;
  /** The finding's title: when it names one anomaly's date, a sentence naming no date, period or month is about that day. */
  context?: string;
}

export interface ProseClaim {
  /** The number as written, with its unit. */
  written: string;
  value: number;
  halfStep: number;
  unit: WrittenUnit;
  /** What the number was attributed to, e.g. `baseload`, or the metric name written out. */
  subject: string;
  /** Metric names the number may state; empty when the facts hold no value for it. */
  candidates: string[];
  sentence: string;
  /** Offset of the number in `sentence`. */
  start: number;
}

type MeterWord = string | undefined;

interface Family {
  subject: string;
  phrase: RegExp;
  metrics: (data: PromptData, meter: MeterWord, sentence: string) => string[];
  /** Names only a number right before it ("0.45 of the daytime level"), never one after it. */
  afterOnly?: boolean;
  /** Counts only after this word earlier in the sentence (within 60 characters). */
  after?: RegExp;
}

const METERS = ['electricity', 'gas', 'chilledwater', 'steam', 'hotwater', 'water', 'other'];
const METER_WORDS: [RegExp, string][] = [
  [/\belectric(?:ity|al)?\b|\bpower\b/gi, 'electricity'],
  [/\bgas\b|\bheating fuel\b/gi, 'gas'],
  [/\bchilled[- ]water\b/gi, 'chilledwater'],
  [/\bsteam\b/gi, 'steam'],
  [/\bhot[- ]water\b/gi, 'hotwater'],
];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_PATTERN = /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/i;

const perMeter =
  (suffixes: string[]) =>
  (data: PromptData, meter: MeterWord): string[] => {
    const meters = meter && data.meters.includes(meter as never) ? [meter] : data.meters;
    return meters.flatMap((name) => suffixes.map((suffix) => `${name}.${suffix}`)).filter((key) => key in data.metrics);
  };
const fixed =
  (names: string[]) =>
  (data: PromptData): string[] =>
    names.filter((key) => key in data.metrics);

/** Consumption words may state a year's, a month's or an anomalous day's or week's kWh. */
const consumptionMetrics = (data: PromptData, meter: MeterWord): string[] => {
  const yearly = perMeter(['annualKwh', 'totalKwh'])(data, meter);
  const meters = meter && data.meters.includes(meter as never) ? [meter] : data.meters;
  const periods = Object.keys(data.metrics).filter(
    (key) => meters.some((name) => key.startsWith(`${name}.`)) && /\.(?:anomaly\..+\.(?:actual|expected)Kwh|monthly\..+\.kwh)$/.test(key),
  );
  return [...yearly, ...periods];
};

const FAMILIES: Family[] = [
  {
    subject: 'peer median',
    phrase: /\b(?:(?:peer|group|portfolio|benchmark)(?:\s+group)?\s+median|median(?:\s+(?:peer|group))?)(?:\s+(?:EUI|(?:energy[- ]use\s+)?intensity))?\b/gi,
    metrics: fixed(['peers.medianEuiKwhPerSqm']),
  },
  { subject: 'percentile', phrase: /\bpercentile\b/gi, metrics: fixed(['peers.euiPercentile']) },
  { subject: 'EUI', phrase: /\b(?:EUI|energy[- ]use intensity|energy intensity|(?:electricity|gas) intensity|intensity)\b/gi, metrics: perMeter(['euiKwhPerSqm']) },
  {
    subject: 'baseload',
    phrase:
      /\b(?:base[- ]?load|base(?=\s*(?:\/|and\s+peak|[:=]?\s*(?:of\s+|at\s+)?(?:(?:about|around|roughly|some|approximately|nearly)\s+)?~?\d))|always[- ]on(?:\s+(?:load|demand))?|standing load|overnight (?:base )?load|bottoms?\s+out|never\s+(?:falls|drops|goes)\s+(?:much\s+)?below|(?:minimum|lowest)\s+(?:hourly\s+)?(?:demand|load|draw))\b/gi,
    metrics: perMeter(['load.baseloadKw']),
  },
  { subject: 'load factor', phrase: /\bload factor\b|\bLF\b/gi, metrics: perMeter(['load.loadFactor']) },
  {
    subject: 'peak',
    phrase: /\b(?:peak(?:\s+(?:hourly\s+)?(?:demand|load|draw))?|peaks|(?:maximum|highest)\s+(?:hourly\s+)?(?:demand|load|draw)|tops?\s+out)\b/gi,
    metrics: perMeter(['load.peakKw']),
  },
  { subject: 'night/day ratio', phrase: /\bnight(?:[- ]?time)?\s*(?:\/|-|to|-to-)\s*day(?:[- ]?time)?(?:\s+(?:load\s+)?ratio)?\b/gi, metrics: perMeter(['load.nightDayRatio']) },
  { subject: 'weekday/weekend ratio', phrase: /\bweekday\s*(?:\/|-|to|-to-)\s*weekend(?:\s+(?:load\s+)?ratio)?\b/gi, metrics: perMeter(['load.weekdayWeekendRatio']) },
  // The day after a night earlier in the sentence, the weekend after a weekday: they name the number before them
  // ("night-time use runs at 0.45 of the daytime level", "weekdays at 1.76× weekends"), never one after.
  {
    subject: 'night/day ratio',
    after: /\bnight/i,
    phrase: /\b(?:day(?:[- ]?time)?)\b(?!\s*\/)(?:\s+(?:level|use|usage|consumption|load|demand))?/gi,
    metrics: perMeter(['load.nightDayRatio']),
    afterOnly: true,
  },
  {
    subject: 'weekday/weekend ratio',
    after: /\bweekdays?\b/i,
    phrase: /\bweekends?\b(?!\s*\/)(?:\s+(?:level|use|usage|consumption|load|demand))?/gi,
    metrics: perMeter(['load.weekdayWeekendRatio']),
    afterOnly: true,
  },
  { subject: 'valid hours', phrase: /\bvalid\s+(?:hourly\s+)?(?:hours|readings)\b/gi, metrics: perMeter(['coverage.validHours']) },
  {
    subject: 'zero hours',
    phrase:
      /\bzero(?:[- ]valued|[- ]reading)?\s+(?:hours|readings|hourly readings|values)\b|\bzeros?(?=\s*:)|(?<=\b(?:h|hrs|hours?|readings?)\s+)(?:(?:reading|at|of|showing|with|are|were)\s+)?zero\b/gi,
    metrics: perMeter(['coverage.zeroHours']),
  },
  {
    subject: 'missing hours',
    phrase: /\bmissing\s+(?:hours|readings)\b|\bmissing(?=\s*:)|(?<=\b(?:h|hrs|hours)\s+)(?:are\s+|were\s+)?missing\b/gi,
    metrics: perMeter(['coverage.missingHours']),
  },
  {
    subject: 'longest gap',
    phrase: /\blongest\s+(?:(?:gas|electricity|electric|electrical|meter|data)\s+)?(?:gap|outage|run|stretch|break)\b/gi,
    metrics: perMeter(['coverage.longestGapHours']),
  },
  { subject: 'coverage', phrase: /\b(?:coverage|data completeness|completeness)\b/gi, metrics: perMeter(['coverage.coverageRatio']) },
  { subject: 'floor area', phrase: /\b(?:floor area|gross internal area|GIA)\b/gi, metrics: fixed(['building.sqm']) },
  { subject: 'balance point', phrase: /\bbalance[- ]point\b/gi, metrics: perMeter(['weather.changePoint.heatingBalancePointC', 'weather.changePoint.coolingBalancePointC']) },
  // "heating below 12 °C", "cooling above 16 °C": the change-point model's balance points, each its own.
  { subject: 'heating balance point', phrase: /\bheating\s+(?:(?:starts|begins|sets in|is needed)\s+)?below\b/gi, metrics: perMeter(['weather.changePoint.heatingBalancePointC']) },
  { subject: 'cooling balance point', phrase: /\bcooling\s+(?:(?:starts|begins|sets in|is needed)\s+)?above\b/gi, metrics: perMeter(['weather.changePoint.coolingBalancePointC']) },
  // "January 2019 was the highest month at 4,137 kWh": that month's use (its candidates are set where the phrase is read).
  {
    subject: 'month',
    phrase: /\b(?:january|february|march|april|may|june|july|august|september|october|november|december)(?:\s+Ø{4})?(?=\s+(?:was|came|saw|had|is)\b)/gi,
    metrics: () => [],
  },
  {
    subject: 'weather slope',
    phrase: /\b(?:(?:weather|temperature|heating|cooling)\s+(?:sensitivity|slope|gradient)|slope)\b/gi,
    metrics: perMeter(['weather.slopeKwhPerDegC', 'weather.changePoint.heatingSlopeKwhPerDegC', 'weather.changePoint.coolingSlopeKwhPerDegC']),
  },
  { subject: 'correlation', phrase: /\b(?:correlation(?:\s+coefficient)?|R²|r-squared|r2)\b|\b[rR]²?\s*=/g, metrics: perMeter(['weather.r', 'weather.changePoint.r2']) },
  {
    subject: 'consumption',
    phrase:
      /\b(?:consum(?:ption|es|ed|ing)|(?:energy|electric(?:ity|al)|gas)\s+use|usage|annual(?:ised|ized)?\s+(?:total|use|demand|draw)|(?:used|uses)|total|(?:electricity|gas)(?=\s*:\s*(?:(?:about|around|roughly|some|approximately|nearly)\s+|~\s*)?[\d,.]+\s*(?:million\s+)?[kmg]?wh\b))\b/gi,
    metrics: consumptionMetrics,
  },
];

const EXPLICIT_METRIC = new RegExp(`\\b(?:${[...METERS, 'peers', 'building'].join('|')})(?:\\.[A-Za-z0-9_-]+)+`, 'g');
const NUMBER = /(?<![\w.,])[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])/g;
const SCALE_WORD = /^\s*(?:(million|m(?=\s*kwh))|(thousand|k(?=\s*kwh|\b)))\b/i;
const BLOCKERS =
  /\b(?:by|(?<!\b(?:runs|ran|amounts?|comes?|came|adds up|totals?|extends?)\s)to(?!\s+be\b)|than|saves?|saved|saving|savings|reduc\w*|cut\w*|lower(?:ing|ed)?|target\w*|goal|aim\w*|under|below|above|over|exceed\w*|additional|extra|another|up|down|increase\w*|rise|drop\w*|fall\w*|shift\w*|trim\w*|if|would|could|estimated|potential|worth)\b|[;!?]|\bbut\b|\bwhile\b|\bwhereas\b|\bagainst\b|\bversus\b|\bvs\.?|\bcompared\b/i;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
/** A year's figure in a sentence that also names an anomaly ("used 2,730,700 kWh a year; its largest anomaly …"). */
const YEAR_FIGURE_AFTER = /^\s*(?:of\s+\w+\s+)?(?:a year|per year|per annum|annually|over the year|in the year|for the year|in \d{4}|over the period|a year's)/i;
const YEAR_FIGURE_BEFORE = /\b(?:annual(?:ly)?|yearly|year's|a year of)\b[^.;]{0,20}$/i;
/** Marks the number after it as an expected (not actual) figure: "against an expected 3,390 kWh". */
const EXPECTED_BEFORE =
  /(?<!\b(?:than|above|below|over|under|from|beyond|exceeded|exceeds|exceeding|missed)\s+)\b(?:expect(?:ed|ing)?|typical(?:ly)?|normal(?:ly)?|usual(?:ly)?|baseline|predicted|forecast)\b(?:\s+(?:use|usage|consumption|value|level|load|demand|figure|for|on|of|the|day|week|beginning|starting|Ø+))*[\s:=~≈]*(?:(?:of|at|is|was|be|around|about|roughly|some|approximately|nearly)\s+){0,2}$/i;
/** Marks the number before it as an expected figure: "3,390 kWh was expected". */
const EXPECTED_AFTER =
  /^[\s,]*(?:(?:was|were|is|had been|would be|being)\s+)?(?:expected|typical|normal|usual|predicted|forecast)\b(?![\s:=]*(?:(?:of|at|is|was|around|about|roughly|some|approximately|nearly)\s+)?~?\s*[-−+]?\d)/i;
/** Marks the number after it as the actual figure: "actual 3,492 kWh", "actual use: 3,492 kWh". */
const ACTUAL_BEFORE = /\bactual(?:ly)?(?:\s+(?:use|usage|consumption|reading|value|figure))?[\s:=~]*(?:(?:of|at|is|was|around|about|roughly|some)\s+){0,2}$/i;

/** Between a number and a phrase that names it: "120 kW peak", "0.43 is the night/day ratio", "16.6 kW (baseload)", "70 h (about 3 days) missing". */
const AFTER_GAP =
  /^[\s(-]{0,3}(?:\((?:about|around|roughly|some|~)?\s*[\d.,]+\s*[a-z%]*\)\s*)?(?:(?:of|at|is|was|the|as)\s+){0,2}(?:(?:electricity|electrical|electric|gas)\s+)?$/i;

const maskWith = (text: string, pattern: RegExp): string => text.replace(pattern, (match) => 'Ø'.repeat(match.length));

const splitSentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+(?=[A-Z(0-9"'])|\n+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);

const meterNear = (sentence: string, position: number): MeterWord => {
  let best: { index: number; meter: string } | undefined;
  for (const [pattern, meter] of METER_WORDS) {
    for (const match of sentence.matchAll(pattern)) {
      const index = match.index ?? 0;
      if (index < position && (!best || index > best.index)) best = { index, meter };
    }
  }
  return best?.meter;
};

const datesIn = (sentence: string): string[] => {
  const dates = [...sentence.matchAll(ISO_DATE)].map((match) => match[0]);
  const named = /\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s+(\d{4})\b/gi;
  for (const match of sentence.matchAll(named)) {
    const month = MONTHS.findIndex((name) => name.startsWith(match[2].toLowerCase().slice(0, 3))) + 1;
    dates.push(`${match[3]}-${String(month).padStart(2, '0')}-${match[1].padStart(2, '0')}`);
  }
  return dates;
};

interface NumberToken {
  start: number;
  end: number;
  written: string;
  value: number;
  halfStep: number;
  unit: WrittenUnit;
}

const numbersIn = (masked: string): NumberToken[] => {
  const tokens: NumberToken[] = [];
  for (const match of masked.matchAll(NUMBER)) {
    const start = match.index ?? 0;
    let end = start + match[0].length;
    const raw = match[0].replace(/−/, '-');
    let value = Number(raw.replace(/,/g, ''));
    let halfStep = halfStepOf(raw);
    const scale = SCALE_WORD.exec(masked.slice(end));
    if (scale) {
      const factor = scale[1] ? 1e6 : 1e3;
      value *= factor;
      halfStep *= factor;
      end += scale[0].length;
    }
    const unit = readUnit(masked.slice(end));
    tokens.push({ start, end: end + unit.length, written: masked.slice(start, end + unit.length), value, halfStep, unit });
  }
  return mergeRanges(tokens, masked);
};

interface PhraseMatch {
  family: Family;
  start: number;
  end: number;
}

const phrasesIn = (masked: string): PhraseMatch[] => {
  const found: PhraseMatch[] = [];
  for (const family of FAMILIES) {
    if (family.after && !family.after.test(masked)) continue;
    for (const match of masked.matchAll(family.phrase)) {
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (family.after && !family.after.test(masked.slice(Math.max(0, start - 60), start).replace(/.*[.;](?!\d)/s, ''))) continue;
      // A longer phrase found earlier (e.g. "peer median EUI") owns its span.
      if (found.some((other) => start < other.end && end > other.start)) continue;
      found.push({ family, start, end });
    }
  }
  return found;
};

/** A number written in words between a phrase and a later number is the phrase's ("Peak one hundred and seventy kilowatts, base 11.7 kW"). */
const NUMBER_WORD_IN_GAP =
  /\b(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)\b/i;
const cleanGap = (gap: string, maxLength: number): boolean => gap.length <= maxLength && !BLOCKERS.test(gap) && !/\d/.test(gap) && !/Ø/.test(gap) && !NUMBER_WORD_IN_GAP.test(gap);

/** Extracts the checkable claims in one block of prose. */
export const proseClaims = (text: string, data: PromptData, options: ProseClaimOptions = {}): ProseClaim[] => {
  const claims: ProseClaim[] = [];
  const anomalyDates = new Set(data.anomalies.map((anomaly) => anomaly.date));
  const contextDates = options.context ? [...new Set(datesIn(options.context).filter((date) => anomalyDates.has(date)))] : [];
  for (const sentence of splitSentences(text)) {
    // Metric names written out.
    for (const match of sentence.matchAll(EXPLICIT_METRIC)) {
      const after = sentence.slice((match.index ?? 0) + match[0].length);
      const number = /^\s*[)\]`'"]?\s*(?:[:=]|is|of|at|was|\()?\s*~?\s*([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)/.exec(after);
      if (!number) continue;
      const unit = readUnit(after.slice(number[0].length));
      claims.push({
        written: number[1],
        value: Number(number[1].replace(/,/g, '').replace('−', '-')),
        halfStep: halfStepOf(number[1]),
        unit,
        subject: match[0],
        candidates: [match[0]],
        sentence,
        start: (match.index ?? 0) + match[0].length + number[0].length - number[1].length,
      });
    }
    let masked = maskWith(sentence, EXPLICIT_METRIC);
    let dates = datesIn(masked).filter((date) => anomalyDates.has(date));
    if (dates.length === 0 && contextDates.length === 1 && !datesIn(masked).length && !MONTH_PATTERN.test(masked) && !/\b(?:year|annual|annum|month|week|period)\b/i.test(masked)) {
      dates = contextDates;
    }
    masked = maskWith(masked, ISO_DATE);
    masked = maskWith(masked, /\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s+\d{4}\b/gi);
    masked = maskWith(masked, /\b\d{1,2}:\d{2}\b|\b24\/7\b|\b(?:19|20)\d{2}(?!\s*(?:k?wh|mwh|gwh|kw|mw|%|h\b|hours|m²|m2))\b|\b(?![mr]2\b)[A-Za-z]+\d+\b/gi);
    const numbers = numbersIn(masked);
    const phrases = phrasesIn(masked);
    const expectedRole = anomalyRoles(masked, numbers);
    // A phrase right after a number ("16.6 kW (baseload)", "67.5 kW of baseload") names that number, not the next one.
    // ("(load factor 0.755)", "(peer median 107)" introduce their own number instead; "the 107 kWh/m² median: 68.9 kWh/m²"
    // names the number before it, and the colon brings the building's own.)
    const ownedByEarlier = new Set(
      phrases.filter((phrase) => {
        const rest = masked.slice(phrase.end);
        const before = numbers.filter((number) => number.end <= phrase.start && AFTER_GAP.test(masked.slice(number.end, phrase.start)));
        if (before.length === 0) return false;
        if (!/^\s*(?:[:=]|is|of|at|was)?\s*[-−+]?\d/i.test(rest)) return true;
        return /^\s*:\s*[-−+]?\d/.test(rest) && before.some((number) => !/\(/.test(masked.slice(number.end, phrase.start)));
      }),
    );
    const anyExpected = [...expectedRole.values()].some(Boolean);
    for (const number of numbers) {
      // Anomaly sentences: kWh figures are a day's actual or expected use.
      if (
        dates.length > 0 &&
        number.unit.unitClass === 'energy' &&
        !YEAR_FIGURE_AFTER.test(masked.slice(number.end, number.end + 40)) &&
        !YEAR_FIGURE_BEFORE.test(masked.slice(Math.max(0, number.start - 30), number.start))
      ) {
        const anomalies = data.anomalies.filter((anomaly) => dates.includes(anomaly.date));
        const role = expectedRole.get(number) ? 'expected' : anyExpected ? 'actual' : 'either';
        const candidates = anomalies.flatMap((anomaly) =>
          role === 'expected' ? [anomaly.expectedMetric] : role === 'actual' ? [anomaly.actualMetric] : [anomaly.actualMetric, anomaly.expectedMetric],
        );
        claims.push({ ...claimOf(number, sentence), subject: `anomaly ${dates.join(', ')}${role === 'either' ? '' : ` (${role})`}`, candidates });
        continue;
      }
      const after = phrases
        .filter((phrase) => phrase.start >= number.end && ownedByEarlier.has(phrase) && AFTER_GAP.test(masked.slice(number.end, phrase.start)))
        .sort((left, right) => left.start - right.start)[0];
      let before = phrases
        .filter(
          (phrase) =>
            phrase.end <= number.start &&
            !phrase.family.afterOnly &&
            !ownedByEarlier.has(phrase) &&
            cleanGap(masked.slice(phrase.end, number.start), 45) &&
            // "8,685 valid hours out of 8,760": the number after "of" is the whole, not the phrase's metric.
            !(/^\s*(?:out\s+)?of\s*$/i.test(masked.slice(phrase.end, number.start)) && /\d[^\s\d]*\s*$/.test(masked.slice(Math.max(0, phrase.start - 12), phrase.start))),
        )
        .sort((left, right) => right.end - left.end)[0];
      // "base/peak 17.3 kW/58.8 kW": the first number after a pair of phrases is the first phrase's.
      const pairedWith = before && phrases.find((phrase) => phrase.end <= before.start && /^\s*(?:\/|and|&)\s*$/i.test(masked.slice(phrase.end, before.start)));
      if (pairedWith && before) before = pairedWith;
      const ordered = [after, before].filter((phrase): phrase is PhraseMatch => phrase !== undefined);
      for (const phrase of ordered) {
        const gap = phrase === before ? masked.slice(phrase.end, number.start) : '';
        const month = MONTH_PATTERN.exec(gap);
        const meter = meterNear(masked, number.start) ?? meterNear(masked, phrase.end + 1) ?? options.meter;
        let candidates = phrase.family.metrics(data, meter, masked);
        if (phrase.family.subject === 'month') {
          const named = MONTH_PATTERN.exec(masked.slice(phrase.start, phrase.end));
          const monthNumber = String(MONTHS.findIndex((name) => name.startsWith((named?.[1] ?? '').toLowerCase().slice(0, 3))) + 1).padStart(2, '0');
          const meters = meter && data.meters.includes(meter as never) ? [meter] : data.meters;
          candidates = Object.keys(data.metrics).filter((key) => meters.some((name) => key.startsWith(`${name}.monthly.`)) && key.endsWith(`-${monthNumber}.kwh`));
          if (candidates.length === 0 || number.unit.unitClass !== 'energy') break;
          claims.push({ ...claimOf(number, sentence), subject: `${named?.[1] ?? 'month'} use`, candidates });
          break;
        }
        if (month && phrase.family.subject === 'consumption') {
          const monthNumber = String(MONTHS.findIndex((name) => name.startsWith(month[1].toLowerCase().slice(0, 3))) + 1).padStart(2, '0');
          candidates = Object.keys(data.metrics).filter((key) => new RegExp(`\\.monthly\\.\\d{4}-${monthNumber}\\.kwh$`).test(key));
          if (candidates.length === 0) break;
        }
        const probe = phrase.family.metrics(allNamesData(data), meter, masked)[0] ?? candidates[0];
        if (probe === undefined || !isCompatibleUnit(probe, number.unit)) continue;
        claims.push({ ...claimOf(number, sentence), subject: phrase.family.subject, candidates });
        break;
      }
    }
  }
  return claims;
};

/** Which kWh figures of a sentence are marked as expected use. */
const anomalyRoles = (masked: string, numbers: NumberToken[]): Map<NumberToken, boolean> => {
  const roles = new Map<NumberToken, boolean>();
  numbers.forEach((number, index) => {
    if (number.unit.unitClass !== 'energy') return;
    const before = masked.slice(index === 0 ? 0 : numbers[index - 1].end, number.start);
    const after = masked.slice(number.end, numbers[index + 1]?.start ?? masked.length);
    roles.set(number, !ACTUAL_BEFORE.test(before) && (EXPECTED_BEFORE.test(before) || EXPECTED_AFTER.test(after)));
  });
  return roles;
};

const claimOf = (number: NumberToken, sentence: string) => ({
  written: number.written.trim(),
  value: number.value,
  halfStep: number.halfStep,
  unit: number.unit,
  sentence,
  start: number.start,
});

/**
 * Every name a family could resolve to, present or not, so a unit can be checked against
 * a metric the facts mark missing ("EUI of 240 kWh/m²" when floor area is unknown).
 */
const ALL_NAMES = new WeakMap<PromptData, PromptData>();
/** `data` with every name a family could resolve to (built once per data block). */
const allNamesData = (data: PromptData): PromptData => {
  let cached = ALL_NAMES.get(data);
  if (!cached) {
    cached = { ...data, metrics: allNamesOf(data) };
    ALL_NAMES.set(data, cached);
  }
  return cached;
};

const allNamesOf = (data: PromptData): Record<string, number> => {
  const names: Record<string, number> = { ...data.metrics };
  const meters = data.meters.length > 0 ? data.meters : ['electricity'];
  for (const meter of meters) {
    for (const suffix of [
      'euiKwhPerSqm',
      'annualKwh',
      'totalKwh',
      'load.baseloadKw',
      'load.peakKw',
      'load.loadFactor',
      'load.nightDayRatio',
      'load.weekdayWeekendRatio',
      'coverage.coverageRatio',
      'coverage.validHours',
      'coverage.zeroHours',
      'coverage.missingHours',
      'coverage.longestGapHours',
      'weather.slopeKwhPerDegC',
      'weather.r',
      'weather.changePoint.heatingBalancePointC',
      'weather.changePoint.coolingBalancePointC',
      'weather.changePoint.heatingSlopeKwhPerDegC',
      'weather.changePoint.coolingSlopeKwhPerDegC',
      'weather.changePoint.r2',
    ]) {
      names[`${meter}.${suffix}`] ??= Number.NaN;
    }
  }
  names['peers.euiPercentile'] ??= Number.NaN;
  names['peers.medianEuiKwhPerSqm'] ??= Number.NaN;
  names['building.sqm'] ??= Number.NaN;
  return names;
};
