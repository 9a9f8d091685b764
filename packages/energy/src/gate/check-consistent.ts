import type { AnalysisType } from '@eaio/core';
import type { PromptData } from '../prompts/prompt-data';
import { asArray, asRecord, evidenceItems, proseFields } from './answer-view';
import type { CheckOutcome } from './check-types';
import { ISO_DATE, NAMED_DATE } from './quantities';

/**
 * What a careful reader checks beyond single numbers: every date the answer names is a
 * date the data holds (an anomaly's, an outage's, the period's), and a date named beside
 * an anomaly word is an anomaly's date; the answer is about the building asked about (no
 * other building id); the confidence field agrees with what the prose says of confidence;
 * the answer does the analysis type asked (a triage talks about data quality, a retrofit
 * plan recommends measures). Score: 1 − issues / checks made.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ANOMALY_WORD =
  /\b(?:anomal\w*|spike\w*|surge\w*|dip\w*|drop\w*|unusual\w*|abnormal\w*|outlier\w*|irregular\w*|excursion\w*|jump\w*|plunge\w*|deviat\w*|high[- ]day|low[- ]day|high[- ]week|low[- ]week)\b/i;
const LOW_CONFIDENCE =
  /\b(?:unreliable|not reliable|of limited reliability|questionable|highly uncertain|should be treated with caution)\b|\b(?:low|limited|weak|modest|little)[- ]confidence\b|\bconfidence\b[^.;:]{0,40}?\b(?:is|remains|stays|was|should be|must be)\s+(?:\w+\s+)?(?:low|limited|weak|poor)\b|\bconfidence\s*(?::|-|–)\s*(?:low|limited|weak|poor)\b|\b(?:tentative|provisional|preliminary) (?:conclusions|findings)\b/i;
const HIGH_CONFIDENCE =
  /\b(?:fully|highly|entirely|very|completely) reliable\b|\bthe data support every (?:figure|finding)\b|\b(?:high|strong|full|great)[- ]confidence\b|\bconfidence\b[^.;:]{0,40}?\b(?:is|remains|stays|was)\s+(?:\w+\s+)?(?:high|strong)\b|\bconfidence\s*(?::|-|–)\s*(?:high|strong)\b|\bhighly confident\b|\b(?:support|supports|allow|allows) (?:firm|robust|confident|strong) conclusions\b/i;
const NO_ISSUES = /\bno (?:data[- ]quality |data )?(?:issues|problems)\b(?! (?:beyond|other than|besides|apart from|except))|\bthe record is (?:continuous|complete|clean)\b/i;
const NO_ZERO_RUNS = /\bno\s+(?:(?:gaps|outages),?\s+)*(?:(?:or|and)\s+)?zero[- ]runs?\b|\bno\s+(?:runs of\s+)?zero readings\b/i;
const NO_OUTAGES =
  /\b(?:with |has |have |had |shows? |contains? |there (?:are|were) )?no (?:gaps|outages)\b|\bwithout (?:any )?(?:gaps|outages)\b|\bcomplete with no gaps\b|\bthe record is continuous\b/i;
const DATA_QUALITY_WORDS = /\b(?:coverage|complete(?:ness)?|missing|gaps?|outages?|zero|valid|data quality|fit for|readings?|metering|meter data)\b/i;

const namedDateToIso = (text: string, year: string): string | undefined => {
  const lower = text.toLowerCase();
  const month = MONTHS.findIndex((name) => new RegExp(`\\b${name}`).test(lower)) + 1;
  const day = /\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{4}\b(?<=\d{4}))/.exec(lower.replace(/\b\d{4}\b/g, ''))?.[1];
  const yearWritten = /\b(\d{4})\b/.exec(lower)?.[1] ?? year;
  if (month === 0 || day === undefined) return undefined;
  return `${yearWritten}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
};

/** Every date the data block states: anomalies, period bounds, dates inside data-issue messages. */
const knownDates = (data: PromptData): Set<string> => {
  const dates = new Set<string>(data.anomalies.map((anomaly) => anomaly.date));
  const add = (iso: string) => {
    dates.add(iso.slice(0, 10));
    // UTC timestamps near midnight may be the next or previous local day.
    const time = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    if (Number.isFinite(time)) {
      dates.add(new Date(time - 86_400_000).toISOString().slice(0, 10));
      dates.add(new Date(time + 86_400_000).toISOString().slice(0, 10));
    }
  };
  add(data.period.start);
  add(data.period.end);
  for (const issue of data.dataIssues) for (const match of issue.message.matchAll(ISO_DATE)) add(match[0]);
  for (const anomaly of data.anomalies) {
    // A week anomaly's date is its first day; the days after it belong to it.
    if (anomaly.kind.startsWith('week'))
      for (let day = 1; day < 7; day += 1) dates.add(new Date(Date.parse(`${anomaly.date}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10));
  }
  return dates;
};

const datesIn = (text: string, year: string): { date: string; written: string }[] => {
  const found = [...text.matchAll(ISO_DATE)].map((match) => ({ date: match[0].slice(0, 10), written: match[0] }));
  for (const match of text.matchAll(NAMED_DATE)) {
    if (!/\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]|[a-z]\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\d)/i.test(match[0])) continue;
    if (/^[a-z]+\.?\s+\d{4}$/i.test(match[0].trim())) continue; // "March 2019" is a month
    const iso = namedDateToIso(match[0], year);
    if (iso) found.push({ date: iso, written: match[0] });
  }
  return found;
};

const weekEnd = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Whole months a sentence names: "2019-12" (not a date) and "December 2019". */
const monthsIn = (sentence: string): { month: string; written: string }[] => {
  const found = [...sentence.matchAll(/\b((?:19|20)\d{2})-(0[1-9]|1[0-2])\b(?!-\d)/g)].map((match) => ({ month: `${match[1]}-${match[2]}`, written: match[0] }));
  for (const match of sentence.matchAll(/\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+((?:19|20)\d{2})\b/gi)) {
    const before = sentence.slice(Math.max(0, (match.index ?? 0) - 4), match.index);
    if (/\d\s*(?:st|nd|rd|th)?\s*(?:of\s*)?$/i.test(before)) continue; // "14 December 2019" is a day
    found.push({ month: `${match[2]}-${String(MONTH_NAMES.indexOf(match[1].toLowerCase()) + 1).padStart(2, '0')}`, written: match[0] });
  }
  return found;
};

/** Identifier shape of the building id: letters then digits (`b12`, `syn0004`, `BLDG-7`). */
const idPattern = (id: string): RegExp | undefined => {
  const match = /^([A-Za-z]+)([_-]?)(\d+)$/.exec(id);
  if (!match) return undefined;
  return new RegExp(`\\b${match[1]}${match[2] ? `[${match[2]}]?` : ''}\\d+\\b`, 'gi');
};

const MORE = '(?:higher|greater|more|larger|above|exceeds?|exceeding|outstrips?|heavier|rises? above)';
const LESS = '(?:lower|less|smaller|below|drops?(?: well)? below|falls?(?: well)? below|under|lighter)';
const USE =
  '(?:[- ]?time)?\\s*(?:(?:gas|electricity|electric|electrical)\\s+)?(?:use|usage|load|consumption|demand|draw)?\\s*(?:is|are|was|runs?|stays?|sits?|remains?)?\\s*(?:\\w+\\s+)?';
/** "night use is higher than day use" needs nightDayRatio > 1; the reverse < 1. */
const comparisons = (left: string, right: string): { above: RegExp; below: RegExp } => ({
  above: new RegExp(`\\b${left}${USE}${MORE}(?:\\s+than)?\\s+(?:the\\s+)?${right}|\\b${right}${USE}${LESS}(?:\\s+than)?\\s+(?:the\\s+)?${left}`, 'i'),
  below: new RegExp(`\\b${left}${USE}${LESS}(?:\\s+than)?\\s+(?:the\\s+)?${right}|\\b${right}${USE}${MORE}(?:\\s+than)?\\s+(?:the\\s+)?${left}`, 'i'),
});
const NIGHT_DAY = comparisons('night', '(?:day|daytime)');
const WEEKDAY_WEEKEND = comparisons('(?:weekdays?|working days?)', 'weekends?');
const USE_UP = '(?:rises?|increases?|goes up|climbs?|grows?|is higher|gets higher)';
const USE_DOWN = '(?:falls?|drops?|decreases?|goes down|declines?|is lower|gets lower)';
const TEMP = '(?:the\\s+)?(?:outdoor\\s+|outside\\s+|ambient\\s+|external\\s+|air\\s+)?temperatures?';
const GETS_WARMER = `(?:(?:it\\s+)?(?:gets?|becomes?|turns?)?\\s*(?:warmer|hotter)|${TEMP}\\s+(?:rises?|increases?|goes up|climbs?))`;
const GETS_COLDER = `(?:(?:it\\s+)?(?:gets?|becomes?|turns?)?\\s*(?:colder|cooler)|${TEMP}\\s+(?:falls?|drops?|decreases?|goes down|declines?))`;
const IN_WARM = '(?:in|on|during|with|over)\\s+(?:the\\s+)?(?:warmer|hotter|warm|hot)\\s+(?:weather|days|periods|conditions|spells|months)';
const IN_COLD = '(?:in|on|during|with|over)\\s+(?:the\\s+)?(?:colder|cooler|cold|cool)\\s+(?:weather|days|periods|conditions|spells|months)';
const PUSH_UP = '(?:push(?:es)?|drives?|raises?|increases?|lifts?|adds?\\s+to)\\s+(?:\\w+\\s+){0,3}?(?:use|usage|load|consumption|demand)(?:\\s+up)?';
const PULL_DOWN = '(?:cuts?|reduces?|lowers?|trims?|pulls?\\s+down)\\s+(?:\\w+\\s+){0,3}?(?:use|usage|load|consumption|demand)';
const WARM_SUBJECT = '(?:warmer|hotter)\\s+(?:weather|days|temperatures|conditions)';
const COLD_SUBJECT = '(?:colder|cooler)\\s+(?:weather|days|temperatures|conditions)';
/** "use rises as it gets warmer", "use falls as outdoor temperature falls", "demand drops in cooler weather", "warmer days push use up": use grows with warmth. */
const WARMER = new RegExp(
  [
    `\\b${USE_UP}\\s+(?:as|when|with)\\s+${GETS_WARMER}`,
    `\\b${USE_DOWN}\\s+(?:as|when|with)\\s+${GETS_COLDER}`,
    `\\b${USE_UP}\\s+${IN_WARM}`,
    `\\b${USE_DOWN}\\s+${IN_COLD}`,
    `\\b${WARM_SUBJECT}\\s+${PUSH_UP}`,
    `\\b${COLD_SUBJECT}\\s+${PULL_DOWN}`,
    `\\b(?:rises?|increases?|grows?|climbs?)\\s+with\\s+(?:rising\\s+|higher\\s+)?${TEMP}`,
    `\\b(?:each|every|per)\\s+(?:additional\\s+)?degree\\s+(?:warmer|hotter)\\s+(?:adds|raises|increases)`,
    `\\bcooling[- ](?:driven|dominated)\\b`,
  ].join('|'),
  'i',
);
const COLDER = new RegExp(
  [
    `\\b${USE_UP}\\s+(?:as|when|with)\\s+${GETS_COLDER}`,
    `\\b${USE_DOWN}\\s+(?:as|when|with)\\s+${GETS_WARMER}`,
    `\\b${USE_UP}\\s+${IN_COLD}`,
    `\\b${USE_DOWN}\\s+${IN_WARM}`,
    `\\b${COLD_SUBJECT}\\s+${PUSH_UP}`,
    `\\b${WARM_SUBJECT}\\s+${PULL_DOWN}`,
    `\\b(?:falls?|drops?|decreases?|declines?)\\s+with\\s+(?:rising\\s+|higher\\s+)?${TEMP}`,
    `\\b(?:each|every|per)\\s+(?:additional\\s+)?degree\\s+(?:colder|cooler)\\s+(?:adds|raises|increases)`,
    `\\bheating[- ](?:driven|dominated)\\b`,
  ].join('|'),
  'i',
);
const ANOMALY_HIGH =
  /\b(?:above|over|higher than|more than|exceed(?:ed|ing|s)?)\s+(?:the\s+)?(?:expected|normal|typical|predicted|baseline)\b|\b(?:a\s+)?(?:spike|surge|jump)\b|\bspiked\b|\bjumped\b/i;
const ANOMALY_LOW =
  /\b(?:below|under|lower than|less than|short of)\s+(?:the\s+)?(?:expected|normal|typical|predicted|baseline)\b|\b(?:a\s+)?(?:dip|drop|slump|shortfall)\b|\bdipped\b|\bdropped\b/i;
const ABOVE_MEDIAN = /\b(?:above|higher than|exceeds?|over)\s+(?:the\s+)?(?:peer\s+|group\s+)?median\b/i;
const BELOW_MEDIAN = /\b(?:below|lower than|under)\s+(?:the\s+)?(?:peer\s+|group\s+)?median\b/i;
const MORE_INTENSIVE =
  /\b(?:more|higher)[- ](?:energy[- ])?intensive than (?:most|the majority|the typical|a typical|its peers)|\bamong the (?:more|most) (?:energy[- ])?intensive\b|\b(?:uses|consumes) more (?:energy )?per (?:square metre|m²|m2) than (?:most|the majority|the typical)/i;
const LESS_INTENSIVE =
  /\b(?:less|lower)[- ](?:energy[- ])?intensive than (?:most|the majority|the typical|a typical|its peers)|\bamong the (?:less|least) (?:energy[- ])?intensive\b|\b(?:uses|consumes) less (?:energy )?per (?:square metre|m²|m2) than (?:most|the majority|the typical)/i;
/** "the week starting 2019-06-10": the date must be the week anomaly's own first day. */
const WEEK_STARTING = /\bweek\s+(?:starting|beginning|commencing|from|of)(?:\s+on)?\s*$/i;
const NEAR =
  /\b(?:close to|in line with|near|around|roughly (?:equal|level with|at)|similar to|essentially (?:at|level with)|about the same as|on a par with|level with|at)\s+(?:the\s+)?(?:peer\s+|group\s+)?median\b/i;

/** Direction words the facts contradict: a ratio's side of 1, the weather slope's sign, the side of the peer median, an anomaly's side of expected. */
const directionIssues = (text: string, where: string, data: PromptData, meter: string | undefined): string[] => {
  const issues: string[] = [];
  const meters = meter ? [meter] : data.meters;
  // A ratio on the wrong side of 1 contradicts the words however close it is (0.5 % slack for rounding).
  const sides = (values: number[], above: boolean) => values.length > 0 && values.every((value) => (above ? value < 0.995 : value > 1.005));
  for (const sentence of text.split(/(?<=[.!?;])\s+/)) {
    const named = /\bgas\b/i.test(sentence) && !/\belectric/i.test(sentence) ? ['gas'] : /\belectric/i.test(sentence) && !/\bgas\b/i.test(sentence) ? ['electricity'] : meters;
    const ratio = (suffix: string) => named.map((name) => data.metrics[`${name}.${suffix}`]).filter((value): value is number => typeof value === 'number');
    if (NIGHT_DAY.above.test(sentence) && sides(ratio('load.nightDayRatio'), true))
      issues.push(`${where}: says night use exceeds day use, but the night/day ratio is ${ratio('load.nightDayRatio').join(', ')}`);
    else if (NIGHT_DAY.below.test(sentence) && sides(ratio('load.nightDayRatio'), false))
      issues.push(`${where}: says night use is below day use, but the night/day ratio is ${ratio('load.nightDayRatio').join(', ')}`);
    if (WEEKDAY_WEEKEND.above.test(sentence) && sides(ratio('load.weekdayWeekendRatio'), true))
      issues.push(`${where}: says weekday use exceeds weekend use, but the weekday/weekend ratio is ${ratio('load.weekdayWeekendRatio').join(', ')}`);
    else if (WEEKDAY_WEEKEND.below.test(sentence) && sides(ratio('load.weekdayWeekendRatio'), false))
      issues.push(`${where}: says weekend use exceeds weekday use, but the weekday/weekend ratio is ${ratio('load.weekdayWeekendRatio').join(', ')}`);
    const slopes = ratio('weather.slopeKwhPerDegC');
    if (WARMER.test(sentence) && slopes.length > 0 && slopes.every((slope) => slope < 0))
      issues.push(`${where}: says use rises as it gets warmer, but the weather slope is ${slopes.join(', ')} kWh/day/°C`);
    if (COLDER.test(sentence) && slopes.length > 0 && slopes.every((slope) => slope > 0))
      issues.push(`${where}: says use rises as it gets colder, but the weather slope is ${slopes.join(', ')} kWh/day/°C`);
    const eui = data.metrics[`${data.meters[0]}.euiKwhPerSqm`];
    const median = data.metrics['peers.medianEuiKwhPerSqm'];
    if (typeof eui === 'number' && typeof median === 'number' && !NEAR.test(sentence) && (!meter || meter === data.meters[0])) {
      if (ABOVE_MEDIAN.test(sentence) && eui < median * 0.998)
        issues.push(`${where}: says the intensity is above the peer median, but ${eui.toPrecision(4)} < ${median.toPrecision(4)}`);
      if (BELOW_MEDIAN.test(sentence) && eui > median * 1.002)
        issues.push(`${where}: says the intensity is below the peer median, but ${eui.toPrecision(4)} > ${median.toPrecision(4)}`);
    }
    const percentile = data.metrics['peers.euiPercentile'];
    const intensitySide = typeof percentile === 'number' ? percentile - 50 : typeof eui === 'number' && typeof median === 'number' ? ((eui - median) / median) * 100 : undefined;
    if (intensitySide !== undefined && (!meter || meter === data.meters[0])) {
      if (MORE_INTENSIVE.test(sentence) && intensitySide < -2)
        issues.push(`${where}: says the building is more intensive than most peers, but it ranks at the ${Math.round(Number(percentile ?? 0))}th percentile`);
      if (LESS_INTENSIVE.test(sentence) && intensitySide > 2)
        issues.push(`${where}: says the building is less intensive than most peers, but it ranks at the ${Math.round(Number(percentile ?? 0))}th percentile`);
    }
    const datesNamed = data.anomalies.filter((anomaly) => sentence.includes(anomaly.date));
    if (datesNamed.length > 0 && new Set(datesNamed.map((anomaly) => anomaly.actualKwh > anomaly.expectedKwh)).size === 1) {
      const high = datesNamed[0].actualKwh > datesNamed[0].expectedKwh;
      if (high && ANOMALY_LOW.test(sentence) && !ANOMALY_HIGH.test(sentence)) issues.push(`${where}: calls ${datesNamed[0].date} a dip, but it used more than expected`);
      if (!high && ANOMALY_HIGH.test(sentence) && !ANOMALY_LOW.test(sentence)) issues.push(`${where}: calls ${datesNamed[0].date} a spike, but it used less than expected`);
    }
    for (const anomaly of data.anomalies) {
      if (!sentence.includes(anomaly.date)) continue;
      const high = anomaly.actualKwh > anomaly.expectedKwh;
      if (
        high &&
        /\b(?:below|under|less than|lower than|short of|dropped|fell|ran low)\b[^.]{0,20}(?:expected|normal|the model|baseline|typical)?/i.test(sentence) &&
        /\d+(?:\.\d+)?\s*%\s*(?:below|under|less)|ran low|fell (?:well )?below/i.test(sentence)
      )
        issues.push(`${where}: calls ${anomaly.date} low, but it used more than expected`);
      if (!high && /\d+(?:\.\d+)?\s*%\s*(?:above|over|more)|ran high|(?:rose|jumped|spiked) (?:well )?above/i.test(sentence))
        issues.push(`${where}: calls ${anomaly.date} high, but it used less than expected`);
    }
  }
  return issues;
};

export const checkConsistent = (answer: unknown, data: PromptData, analysisType: AnalysisType): CheckOutcome => {
  const issues: string[] = [];
  let checks = 0;
  const check = (ok: boolean, issue: string) => {
    checks += 1;
    if (!ok) issues.push(issue);
  };
  const fields = proseFields(answer);
  const year = data.period.start.slice(0, 4);
  const known = knownDates(data);
  const anomalyDates = new Set(data.anomalies.map((anomaly) => anomaly.date));
  // Days an anomaly covers: its date, and for a week anomaly the six days after it.
  const anomalyDays = new Set<string>(anomalyDates);
  for (const anomaly of data.anomalies)
    if (anomaly.kind.startsWith('week'))
      for (let day = 1; day < 7; day += 1) anomalyDays.add(new Date(Date.parse(`${anomaly.date}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10));
  // Days a data issue names (an outage "dropped out from 2019-09-23"), a day either side for time zones.
  const issueDays = new Set<string>();
  for (const issue of data.dataIssues) {
    for (const match of issue.message.matchAll(ISO_DATE)) {
      const time = Date.parse(match[0].length === 10 ? `${match[0]}T00:00:00Z` : match[0]);
      for (const shift of [-1, 0, 1]) if (Number.isFinite(time)) issueDays.add(new Date(time + shift * 86_400_000).toISOString().slice(0, 10));
    }
  }
  const weekStarts = new Set(data.anomalies.filter((anomaly) => anomaly.kind.startsWith('week')).map((anomaly) => anomaly.date));
  const findings = asArray(asRecord(answer).findings).map((raw) => asRecord(raw));
  for (const field of fields) {
    // A finding that cites anomalies speaks of those: its dates are theirs.
    const index = /^findings\[(\d+)\]/.exec(field.where)?.[1];
    const cited =
      index === undefined
        ? []
        : evidenceItems({ findings: [findings[Number(index)]] })
            .map((item) => /\.anomaly\.[a-z-]+\.(\d{4}-\d{2}-\d{2})\./.exec(item.metric)?.[1])
            .filter((date): date is string => date !== undefined);
    for (const sentence of field.text.split(/(?<=[.!?;])\s+/)) {
      for (const { date, written } of datesIn(sentence, year)) {
        const before = sentence.slice(0, Math.max(0, sentence.indexOf(written)));
        if (WEEK_STARTING.test(before)) {
          check(weekStarts.has(date), `${field.where}: names the week starting ${written}, but no week anomaly starts then`);
        } else if (cited.length > 0 && !/\b(?:outage|gap|missing|no valid|zero)\b/i.test(sentence)) {
          check(
            cited.includes(date) || cited.some((start) => anomalyDays.has(date) && weekStarts.has(start) && date >= start && date <= weekEnd(start)),
            `${field.where}: names ${written}, but the anomalies it cites are on ${[...new Set(cited)].join(', ')}`,
          );
        } else if (ANOMALY_WORD.test(sentence) && !/\b(?:outage|gap|missing|no valid|zero)\b/i.test(sentence)) {
          check(anomalyDays.has(date) || issueDays.has(date), `${field.where}: names ${written} beside an anomaly, but no anomaly in the data falls on ${date}`);
        } else {
          check(known.has(date), `${field.where}: names ${written}, a date the data does not mention`);
        }
      }
    }
  }
  // A month called anomalous ("flags December 2019 as abnormal") must hold one of the data's anomalies.
  const anomalyMonths = new Set(
    [
      ...anomalyDates,
      ...[...known].filter(
        (date) => anomalyDates.has(date) || data.anomalies.some((anomaly) => anomaly.kind.startsWith('week') && date >= anomaly.date && date <= weekEnd(anomaly.date)),
      ),
    ].map((date) => date.slice(0, 7)),
  );
  for (const field of fields) {
    for (const sentence of field.text.split(/(?<=[.!?;])\s+/)) {
      if (!ANOMALY_WORD.test(sentence) || /\b(?:outage|gap|missing|no valid)\b/i.test(sentence)) continue;
      for (const month of monthsIn(sentence)) {
        check(anomalyMonths.has(month.month), `${field.where}: calls ${month.written} anomalous, but no anomaly in the data falls in it`);
      }
    }
  }
  // A year the data does not cover ("outages during 2018", "since 2016", "the 2015 refurbishment").
  const periodYears = new Set<number>();
  // A period ending at midnight on 1 January ends in the year before.
  const lastYear = Number(data.period.end.slice(0, 4)) - (data.period.end.slice(5, 10) === '01-01' ? 1 : 0);
  for (let year = Number(data.period.start.slice(0, 4)); year <= Math.max(lastYear, Number(data.period.start.slice(0, 4))); year += 1) periodYears.add(year);
  for (const field of fields) {
    for (const match of field.text
      .replace(ISO_DATE, ' ')
      .matchAll(/(?<![\d.:/-])\b((?:19|20)\d{2})\b(?![\d:/-]|\.\d|\s*(?:k?wh|mwh|gwh|kw|mw|kva|%|h\b|hrs?\b|hours|m²|m2|sq|days?|buildings?))/gi)) {
      const year = Number(match[1]);
      const before = field.text.slice(Math.max(0, (match.index ?? 0) - 12), match.index);
      if (/\b(?:ISO|EN|BS|ASHRAE|CIBSE|TM|Part|Standard|Regulations?|Act)\s*[\w.]*\s*$/i.test(before)) continue;
      if (periodYears.has(year)) continue;
      check(false, `${field.where}: names the year ${year}, but the data covers ${[...periodYears].join('–')}`);
    }
  }
  for (const item of evidenceItems(answer)) {
    const date = /\.anomaly\.[a-z-]+\.(\d{4}-\d{2}-\d{2})\./.exec(item.metric)?.[1];
    if (date) check(anomalyDates.has(date), `${item.where}: cites an anomaly on ${date}, which the data does not hold`);
  }

  for (const field of fields) {
    const found = directionIssues(field.text, field.where, data, field.meter);
    checks += Math.max(1, found.length);
    issues.push(...found);
  }

  const pattern = idPattern(data.building.id);
  if (pattern) {
    const others = new Set<string>();
    for (const field of fields) {
      for (const match of field.text.matchAll(pattern)) if (match[0].toLowerCase() !== data.building.id.toLowerCase()) others.add(match[0]);
    }
    check(others.size === 0, `names building ${[...others].join(', ')}, but the data is about ${data.building.id}`);
  }
  const prose = fields.map((field) => field.text).join('\n');

  const root = asRecord(answer);
  const confidence = typeof root.confidence === 'number' ? root.confidence : undefined;
  if (confidence !== undefined) {
    // Reliability said of one window ("results for that window are not reliable") is not the answer's confidence.
    const overall = prose
      .split(/(?<=[.!?;])\s+|\n+/)
      .filter(
        (sentence) =>
          !/\b(?:that|this|those|these|the affected|the missing|the outage|the gap)\s+(?:window|period|hours?|days?|weeks?|months?|gap|outage|run|stretch)\b|\bduring the (?:gap|outage)\b/i.test(
            sentence,
          ),
      )
      .join('\n');
    if (LOW_CONFIDENCE.test(overall)) check(confidence <= 0.6, `the prose calls confidence low, the confidence field says ${confidence}`);
    if (HIGH_CONFIDENCE.test(prose)) check(confidence >= 0.55, `the prose calls confidence high, the confidence field says ${confidence}`);
  }

  // "No data issues were found", "the record is continuous", "no gaps or outages" when the facts list them.
  for (const field of fields) {
    for (const sentence of field.text.split(/(?<=[.!?;])\s+/)) {
      // A triage must answer every item, so "no issues" beside even an info-level one is wrong there.
      if (NO_ISSUES.test(sentence) && data.dataIssues.some((issue) => analysisType === 'data-quality-triage' || issue.severity !== 'info')) {
        check(false, `${field.where}: says there are no data issues, but the data lists ${data.dataIssues.map((issue) => issue.kind).join(', ')}`);
      }
      if (NO_ZERO_RUNS.test(sentence)) {
        const named = /\bgas\b/i.test(sentence) ? ['gas'] : /\belectric/i.test(sentence) ? ['electricity'] : field.meter ? [field.meter] : data.meters;
        const zeroRuns = data.dataIssues.some((issue) => issue.kind === 'zero-runs' && named.some((meter) => issue.message.toLowerCase().startsWith(meter)));
        check(!zeroRuns, `${field.where}: says there are no zero runs, but the data lists a zero-runs issue`);
      }
      if (NO_OUTAGES.test(sentence)) {
        const named = /\bgas\b/i.test(sentence) ? ['gas'] : /\belectric/i.test(sentence) ? ['electricity'] : field.meter ? [field.meter] : data.meters;
        const outages = named.map((name) => data.metrics[`${name}.coverage.outageCount`]).filter((count): count is number => typeof count === 'number');
        check(!outages.some((count) => count > 0), `${field.where}: says there are no gaps or outages, but the data counts ${outages.join(', ')} outage(s)`);
      }
    }
  }

  if (analysisType === 'data-quality-triage') {
    const summaryAndFindings = fields
      .filter((field) => field.where === 'summary' || field.where.startsWith('findings'))
      .map((field) => field.text)
      .join('\n');
    const cited = evidenceItems(answer).some((item) => /coverage|Hours$/.test(item.metric));
    check(DATA_QUALITY_WORDS.test(summaryAndFindings) || cited, "a data-quality triage that never discusses the data's coverage or quality");
  }
  return { score: checks === 0 ? 1 : (checks - issues.length) / checks, issues };
};
