import type { AnalysisType } from '@eaio/core';
import type { AnalysisAnswer, Evidence, Finding, Recommendation } from '../answer-schema';
import { majorAnomalies, type PromptData } from '../prompts/prompt-data';
import type { NumberTeller } from './number-teller';
import { between, chance, pick, shuffle, type Random } from './random-tools';

/**
 * Drafts a realistic answer from the data block: varied wording, order and rounding;
 * every number comes from the teller, so a hallucinating teller changes only numbers.
 */
const fill = (template: string, values: Record<string, string>): string => template.replace(/\{(\w+)\}/g, (_match, key: string) => values[key] ?? key);

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const draftAnswer = (analysisType: AnalysisType, data: PromptData, teller: NumberTeller, random: Random): AnalysisAnswer => {
  const has = (metric: string) => metric in data.metrics;
  const value = (metric: string) => data.metrics[metric];
  const meters: string[] = data.meters.filter((meter) => Object.keys(data.metrics).some((key) => key.startsWith(`${meter}.`)));
  const main: string = meters.includes('electricity') ? 'electricity' : (meters[0] ?? 'electricity');
  const meterWord = (meter: string) => (meter === 'electricity' ? pick(['electricity', 'electrical', 'electricity'], random) : meter);
  const m = (suffix: string, meter = main) => `${meter}.${suffix}`;
  const evidence = (...metrics: string[]): Evidence[] => metrics.filter(has).map((metric) => teller.evidence(metric));

  const findings: Finding[] = [];
  const recommendations: Recommendation[] = [];

  // Consumption and intensity.
  const consumptionFinding = (meter: string): Finding | undefined => {
    if (!has(m('annualKwh', meter))) return undefined;
    const sentences = [
      fill(
        pick(
          [
            'Annual {meter} consumption is {annual}.',
            'The building consumes {annual} of {meter} a year.',
            '{Meter} use is {annual} per year, annualised from the valid hours.',
            'Annualised {meter} consumption is {annual}.',
          ],
          random,
        ),
        { meter: meterWord(meter), Meter: capitalize(meterWord(meter)), annual: teller.prose(m('annualKwh', meter)) },
      ),
    ];
    if (has(m('euiKwhPerSqm', meter))) {
      sentences.push(
        fill(pick(['That is an EUI of {eui}.', 'Its energy use intensity is {eui}.', 'Per square metre, the intensity is {eui}.', 'The {meter} EUI stands at {eui}.'], random), {
          eui: teller.prose(m('euiKwhPerSqm', meter)),
          meter: meterWord(meter),
        }),
      );
    }
    if (meter === main && has('peers.euiPercentile')) {
      const median = has('peers.medianEuiKwhPerSqm') ? teller.prose('peers.medianEuiKwhPerSqm') : undefined;
      const percentile = teller.prose('peers.euiPercentile');
      sentences.push(
        median
          ? fill(
              pick(
                ['This places it at the {p} percentile of its peer group, whose median is {median}.', 'Against peers it sits at the {p} percentile (peer median {median}).'],
                random,
              ),
              { p: percentile, median },
            )
          : fill('It ranks at the {p} percentile of its peers.', { p: percentile }),
      );
    }
    if (has('building.sqm') && chance(0.3, random)) {
      sentences.push(fill(pick(['The gross internal area is {sqm}.', 'Floor area is {sqm}.'], random), { sqm: teller.prose('building.sqm') }));
    }
    return {
      title: pick([`${capitalize(meterWord(meter))} consumption and intensity`, `Annual ${meterWord(meter)} use`, `How much ${meterWord(meter)} the building uses`], random),
      detail: sentences.join(' '),
      evidence: evidence(m('annualKwh', meter), m('euiKwhPerSqm', meter), ...(meter === main ? ['peers.euiPercentile', 'peers.medianEuiKwhPerSqm'] : [])),
    };
  };

  const loadFinding = (): Finding | undefined => {
    if (!has(m('load.baseloadKw')) && !has(m('load.peakKw'))) return undefined;
    const sentences: string[] = [];
    if (has(m('load.baseloadKw')) && has(m('load.peakKw'))) {
      sentences.push(
        fill(
          pick(
            [
              'The baseload is {base} against a peak of {peak}.',
              'A {base} baseload sits under a {peak} peak.',
              'Base load runs at about {base}, while peak demand reaches {peak}.',
              'The always-on load is roughly {base}; the maximum hourly demand is {peak}.',
            ],
            random,
          ),
          { base: teller.prose(m('load.baseloadKw')), peak: teller.prose(m('load.peakKw')) },
        ),
      );
    } else if (has(m('load.peakKw'))) {
      sentences.push(fill('Peak demand reaches {peak}.', { peak: teller.prose(m('load.peakKw')) }));
    } else {
      sentences.push(fill('The baseload is {base}.', { base: teller.prose(m('load.baseloadKw')) }));
    }
    if (has(m('load.loadFactor'))) {
      sentences.push(
        fill(pick(['The load factor is {lf}.', 'Its load factor of {lf} suggests {shape}.', 'With a load factor of {lf}, {shape}.'], random), {
          lf: teller.prose(m('load.loadFactor')),
          shape: value(m('load.loadFactor')) > 0.5 ? 'a flat, always-on profile' : 'a peaky, schedule-driven profile',
        }),
      );
    }
    if (has(m('load.nightDayRatio'))) {
      sentences.push(
        fill(pick(['The night/day ratio is {nd}.', 'Night-to-day load ratio is {nd}.', 'Overnight demand relative to daytime (night/day ratio) is {nd}.'], random), {
          nd: teller.prose(m('load.nightDayRatio')),
        }),
      );
    }
    if (has(m('load.weekdayWeekendRatio'))) {
      sentences.push(
        fill(pick(['The weekday/weekend ratio is {ww}.', 'Weekday-to-weekend ratio is {ww}, so weekends are {quiet}.'], random), {
          ww: teller.prose(m('load.weekdayWeekendRatio')),
          quiet: value(m('load.weekdayWeekendRatio')) > 1.2 ? 'clearly quieter' : 'almost as busy as weekdays',
        }),
      );
    }
    if (chance(0.4, random))
      sentences.push(pick(['Plant appears to run 24/7.', 'Night hours (00:00–06:00) stay busy.', 'This is typical for a building with servers or labs.'], random));
    return {
      title: pick(['Load profile', 'Baseload and peak demand', 'Shape of the daily load'], random),
      detail: sentences.join(' '),
      evidence: evidence(m('load.baseloadKw'), m('load.peakKw'), m('load.loadFactor'), m('load.nightDayRatio'), m('load.weekdayWeekendRatio')),
    };
  };

  const weatherFinding = (): Finding | undefined => {
    if (!has(m('weather.slopeKwhPerDegC'))) return undefined;
    const slope = value(m('weather.slopeKwhPerDegC'));
    const sentences = [
      fill(
        pick(
          [
            'Daily use has a slope of {slope} against outdoor temperature.',
            'The weather sensitivity is {slope}, i.e. {direction}.',
            'A temperature slope of {slope} indicates {direction}.',
          ],
          random,
        ),
        { slope: teller.prose(m('weather.slopeKwhPerDegC')), direction: slope < 0 ? 'more use in cold weather' : 'more use in warm weather' },
      ),
    ];
    if (has(m('weather.r'))) sentences.push(fill(pick(['The correlation with temperature is {r}.', 'Correlation coefficient: {r}.'], random), { r: teller.prose(m('weather.r')) }));
    return {
      title: pick(['Weather sensitivity', 'Response to outdoor temperature'], random),
      detail: sentences.join(' '),
      evidence: evidence(m('weather.slopeKwhPerDegC'), m('weather.r')),
    };
  };

  const coverageFinding = (meter: string): Finding | undefined => {
    if (!has(m('coverage.coverageRatio', meter))) return undefined;
    const sentences = [
      fill(pick(['Data coverage for {meter} is {cov}.', 'The {meter} meter has {cov} coverage over the period.', 'Coverage stands at {cov} for the {meter} meter.'], random), {
        cov: teller.prose(m('coverage.coverageRatio', meter)),
        meter: meterWord(meter),
      }),
    ];
    if (has(m('coverage.zeroHours', meter)) && value(m('coverage.zeroHours', meter)) > 0) {
      const zero = teller.prose(m('coverage.zeroHours', meter));
      sentences.push(
        chance(0.5, random) ? `It has ${zero.replace(/ (hours|h)$/, '')} zero readings.` : `There are ${zero.replace(/ h$/, ' hours')} of zero readings, treated as missing.`,
      );
    }
    if (has(m('coverage.longestGapHours', meter)) && value(m('coverage.longestGapHours', meter)) > 0) {
      sentences.push(fill(pick(['The longest gap lasts {gap}.', 'Its longest outage is {gap}.'], random), { gap: teller.prose(m('coverage.longestGapHours', meter)) }));
    }
    if (has(m('coverage.validHours', meter)) && chance(0.5, random)) {
      sentences.push(fill('In all, {v} valid hours remain.', { v: teller.prose(m('coverage.validHours', meter)).replace(/ (hours|h)$/, '') }));
    }
    return {
      title: pick([`${capitalize(meterWord(meter))} data coverage`, `Completeness of the ${meterWord(meter)} data`], random),
      detail: sentences.join(' '),
      evidence: evidence(m('coverage.coverageRatio', meter), m('coverage.zeroHours', meter), m('coverage.longestGapHours', meter), m('coverage.validHours', meter)),
    };
  };

  const anomalyFindings = (count: number): Finding[] =>
    majorAnomalies(data, count).map((anomaly) => {
      const high = anomaly.actualKwh >= anomaly.expectedKwh;
      const date = chance(0.8, random) ? anomaly.date : longDate(anomaly.date);
      const detail = fill(
        pick(
          [
            'On {date} the building used {actual} against an expected {expected}, {dev} {direction} normal.',
            '{Period} starting {date}: {actual} recorded where {expected} was expected.',
            'Consumption on {date} was {actual}; the model expected {expected}.',
          ],
          random,
        ),
        {
          date,
          actual: teller.prose(anomaly.actualMetric),
          expected: teller.prose(anomaly.expectedMetric),
          dev: `${Math.round(Math.abs(anomaly.deviationPercent))}%`,
          direction: high ? 'above' : 'below',
          Period: anomaly.kind.startsWith('week') ? 'The week' : 'The day',
        },
      );
      const cause = high
        ? pick(['Check for plant left on or an unusual event.', 'Possibly an event or a control fault.'], random)
        : pick(['This may be a closure, a holiday or a metering fault.', 'Likely an outage or shutdown; check the meter.'], random);
      return {
        title: `${high ? 'High' : 'Low'} ${anomaly.kind.startsWith('week') ? 'week' : 'day'} on ${anomaly.date}`,
        detail: `${detail} ${cause}`,
        evidence: evidence(anomaly.actualMetric, anomaly.expectedMetric),
      };
    });

  const dataIssuesAddressed = (all: boolean) => {
    // One entry per item, as the prompt asks (five outages, five entries).
    const kinds = data.dataIssues.filter((issue) => all || issue.severity !== 'info').map((issue) => issue.kind);
    const extra = data.dataIssues.filter((issue) => !all && issue.severity === 'info' && chance(0.5, random)).map((issue) => issue.kind);
    return shuffle([...kinds, ...extra], random).map((kind) => ({ issue: kind, response: pick(RESPONSES[kind] ?? ['Noted and taken into account in the analysis.'], random) }));
  };

  const missingNotes = data.missing
    .slice(0, 2)
    .map((entry) => pick([`${entry.metric} is unavailable (${entry.reason}), so it is not used.`, `No value for ${entry.metric}: ${entry.reason}.`], random));

  // Recommendations.
  const savingsFor = (meter: string, pct: number): { kwh: number | null; pct: number | null } => {
    const annual = data.metrics[`${meter}.annualKwh`];
    if (typeof annual !== 'number' || annual <= 0) return { kwh: null, pct: null };
    const roundedPct = Math.round(pct * 10) / 10;
    // Nearest 100 kWh, finer below 1,000 kWh so a small (e.g. heating-only gas) saving still matches its %.
    const raw = (annual * roundedPct) / 100;
    const step = raw >= 1000 ? 100 : raw >= 100 ? 10 : 1;
    return { kwh: Math.round(raw / step) * step, pct: roundedPct };
  };
  const recommend = (action: string, rationale: string, meter: string, pct: number, priority: Recommendation['priority'], cited: string[]): Recommendation => {
    const savings = savingsFor(meter, pct);
    const savingText =
      savings.kwh !== null && chance(0.6, random)
        ? ` ${pick(['This could save about', 'Estimated saving:', 'Worth roughly'], random)} ${Math.round(savings.kwh).toLocaleString('en-GB')} kWh a year (${savings.pct}%).`
        : '';
    const cites = evidence(...cited);
    return {
      action,
      rationale: `${rationale}${savingText}`,
      estimatedAnnualSavingsKwh: savings.kwh,
      estimatedSavingsPct: savings.pct,
      evidence: cites.length > 0 ? cites : evidence(...Object.keys(data.metrics).slice(0, 1)),
      priority,
    };
  };
  const menu: (() => Recommendation | undefined)[] = [
    () =>
      has(m('load.baseloadKw'))
        ? recommend(
            pick(['Cut the out-of-hours baseload', 'Reduce always-on load overnight', 'Audit plant running at night'], random),
            fill(
              pick(
                [
                  'The baseload of {base} runs around the clock; switching off idle plant trims it.',
                  'A {base} baseload is high for the building; a night walk-round finds the culprits.',
                ],
                random,
              ),
              { base: teller.prose(m('load.baseloadKw')) },
            ),
            main,
            between(4, 12, random),
            'high',
            [m('load.baseloadKw'), m('load.nightDayRatio')],
          )
        : undefined,
    () =>
      has(m('load.weekdayWeekendRatio'))
        ? recommend(
            pick(['Tighten weekend and holiday schedules', 'Align HVAC schedules with occupancy'], random),
            fill('Weekday-to-weekend ratio is only {ww}, so plant keeps running on quiet days.', { ww: teller.prose(m('load.weekdayWeekendRatio')) }),
            main,
            between(3, 8, random),
            'medium',
            [m('load.weekdayWeekendRatio')],
          )
        : undefined,
    () =>
      has(m('annualKwh'))
        ? recommend(
            pick(['Upgrade lighting to LED with occupancy sensors', 'Replace remaining fluorescent lighting with LED'], random),
            pick(['Lighting is a large share of electricity in buildings like this one.', 'LED retrofits pay back quickly at this level of use.'], random),
            main,
            between(5, 10, random),
            pick(['medium', 'low'] as const, random),
            [m('annualKwh'), m('euiKwhPerSqm')],
          )
        : undefined,
    () =>
      meters.includes('gas') && has('gas.annualKwh')
        ? recommend(
            pick(['Optimise heating controls and boiler sequencing', 'Add weather compensation to the heating'], random),
            fill('Gas use is {gas} a year; better controls typically save a tenth of it.', { gas: teller.prose('gas.annualKwh') }),
            'gas',
            between(5, 15, random),
            'medium',
            ['gas.annualKwh', 'gas.weather.slopeKwhPerDegC'],
          )
        : undefined,
    () =>
      has(m('load.peakKw'))
        ? recommend(
            pick(['Stagger plant start-up to shave peaks', 'Manage peak demand'], random),
            fill('Peak demand of {peak} drives capacity charges.', { peak: teller.prose(m('load.peakKw')) }),
            main,
            between(1, 3, random),
            'low',
            [m('load.peakKw'), m('load.loadFactor')],
          )
        : undefined,
  ];
  const dataFix = (): Recommendation | undefined =>
    data.dataIssues.length === 0
      ? undefined
      : {
          action: pick(
            ['Repair the meter and backfill the gaps', 'Investigate the zero readings with the metering contractor', 'Fix data collection before further analysis'],
            random,
          ),
          rationale: pick(['Gaps and zero readings limit every figure in this analysis.', 'Better data makes the next analysis far more reliable.'], random),
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: null,
          evidence: evidence(m('coverage.coverageRatio'), m('coverage.zeroHours')).slice(0, 2),
          priority: 'high',
        };

  let summary: string;
  if (analysisType === 'data-quality-triage') {
    for (const meter of shuffle(meters, random)) {
      const finding = coverageFinding(meter);
      if (finding) findings.push(finding);
    }
    if (missingNotes.length > 0) findings.push({ title: 'Missing facts', detail: missingNotes.join(' '), evidence: evidence(m('coverage.coverageRatio')) });
    const fix = chance(0.7, random) ? dataFix() : undefined;
    if (fix && fix.evidence.length > 0) recommendations.push(fix);
    const critical = data.dataIssues.some((issue) => issue.severity === 'critical');
    summary = `${critical ? pick(['The data has serious problems', 'The data is not yet fit for a full analysis'], random) : pick(['The data is broadly usable', 'The data looks fit for analysis'], random)}. ${
      has(m('coverage.coverageRatio'))
        ? fill(pick(['Coverage is {cov}.', 'Overall {meter} coverage is {cov}.'], random), { cov: teller.prose(m('coverage.coverageRatio')), meter: meterWord(main) })
        : ''
    } ${data.dataIssues.length} data issue(s) were reviewed.`;
    return finish(summary, findings, recommendations, dataIssuesAddressed(true), critical ? between(0.4, 0.6, random) : between(0.65, 0.9, random), random);
  }

  const blocks = [consumptionFinding(main), ...meters.filter((meter) => meter !== main).map(consumptionFinding), loadFinding(), weatherFinding()];
  if (analysisType === 'building-diagnostic') {
    blocks.push(...anomalyFindings(3), chance(0.5, random) ? coverageFinding(main) : undefined);
  } else if (chance(0.3, random)) {
    blocks.push(...anomalyFindings(1));
  }
  findings.push(
    ...shuffle(
      blocks.filter((finding): finding is Finding => finding !== undefined && finding.evidence.length > 0),
      random,
    ),
  );
  if (findings.length === 0) {
    const coverage = coverageFinding(main);
    if (coverage) findings.push(coverage);
  }
  const wanted = analysisType === 'retrofit-plan' ? 2 + Math.floor(random() * 3) : 1 + Math.floor(random() * 3);
  for (const option of shuffle(menu, random)) {
    if (recommendations.length >= wanted) break;
    const recommendation = option();
    if (recommendation && recommendation.evidence.length > 0) recommendations.push(recommendation);
  }
  while (analysisType === 'retrofit-plan' && recommendations.length < 2) {
    const fix = dataFix() ?? {
      action: 'Commission a walk-through energy audit',
      rationale: 'The data alone does not show where savings lie.',
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: evidence(...Object.keys(data.metrics).slice(0, 1)),
      priority: 'medium' as const,
    };
    recommendations.push({ ...fix, action: recommendations.length === 0 ? fix.action : `${fix.action} (follow-up)` });
  }
  recommendations.sort((left, right) => PRIORITY_ORDER[left.priority] - PRIORITY_ORDER[right.priority]);
  const headline = has(m('annualKwh'))
    ? fill(pick(['The building uses {annual} of {meter} a year{eui}.', '{Meter} consumption is {annual} per year{eui}.', 'Annual {meter} use is {annual}{eui}.'], random), {
        annual: teller.prose(m('annualKwh')),
        meter: meterWord(main),
        Meter: capitalize(meterWord(main)),
        eui: has(m('euiKwhPerSqm')) && chance(0.5, random) ? `, an EUI of ${teller.prose(m('euiKwhPerSqm'))}` : '',
      })
    : 'Consumption cannot be annualised from the data available.';
  const tail =
    analysisType === 'retrofit-plan'
      ? pick([` ${recommendations.length} measures are proposed, led by "${recommendations[0].action}".`, ` The plan has ${recommendations.length} measures.`], random)
      : pick([' The main issues are the load shape and the anomalies listed below.', ' Findings cover load shape, weather response and anomalies.'], random);
  summary = `${headline}${tail}${missingNotes.length > 0 && chance(0.5, random) ? ` ${missingNotes[0]}` : ''}`;
  const critical = data.dataIssues.some((issue) => issue.severity === 'critical');
  return finish(summary, findings, recommendations, dataIssuesAddressed(false), critical ? between(0.45, 0.65, random) : between(0.6, 0.9, random), random);
};

const PRIORITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

const finish = (
  summary: string,
  findings: Finding[],
  recommendations: Recommendation[],
  addressed: AnalysisAnswer['dataIssuesAddressed'],
  confidence: number,
  random: Random,
): AnalysisAnswer => {
  const answer: AnalysisAnswer = {
    summary: summary.replace(/\s+/g, ' ').trim(),
    findings,
    recommendations,
    dataIssuesAddressed: addressed,
    confidence: Math.round(confidence * 100) / 100,
  };
  return chance(0.3, random) ? { confidence: answer.confidence, summary: answer.summary, findings, dataIssuesAddressed: addressed, recommendations } : answer;
};

const longDate = (iso: string): string => {
  const [year, month, day] = iso.split('-').map(Number);
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${day} ${names[month - 1]} ${year}`;
};

const RESPONSES: Record<string, string[]> = {
  outage: ['Outage hours were excluded from the averages.', 'The outage period is left out of baseload and anomaly figures.'],
  'low-coverage': ['Figures are annualised from valid hours only; treat them with care.', 'Low coverage lowers confidence in the annual totals.'],
  'all-zero': ['The meter reads zero throughout; no consumption figures can be given.', 'No usable readings: the meter must be checked.'],
  'negative-values': ['Negative readings were treated as invalid.', 'Negative values were dropped before analysis.'],
  'short-period': ['The period is short, so seasonal effects are uncertain.', 'Less than a year of data: annual figures are extrapolated.'],
  'no-floor-area': ['Without a floor area no EUI or peer comparison is possible.', 'EUI is not reported because the floor area is unknown.'],
  'no-weather': ['Weather sensitivity could not be assessed.', 'No weather data, so no weather normalisation was done.'],
  'duplicate-timestamps': ['Duplicate timestamps were collapsed.', 'Duplicated hours were counted once.'],
  spikes: ['Spikes were checked against neighbouring hours and excluded from peak figures.', 'Isolated spikes are flagged as probable metering errors.'],
};
