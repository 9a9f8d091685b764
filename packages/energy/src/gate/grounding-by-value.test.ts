import { describe, expect, it } from 'vitest';
import type { AnalysisAnswer } from '../answer-schema';
import { healthyFacts } from '../prompts/fixture-facts';
import { promptData } from '../prompts/prompt-data';
import { evaluateAnswer } from './evaluate-answer';

/**
 * The gate reads figures by value, not by wording: shapes the old "<metric> is <N>"
 * reader missed, derived figures it wrongly failed, direction words, refusals and slips.
 * Figures of `healthyFacts()`: electricity annual 1,234,568 kWh, EUI 374.8, peer median 252,
 * baseload 98.6 kW, peak 241.3 kW, load factor 0.58, night/day 0.617.
 */
const answer = (detail: string, extra: Partial<AnalysisAnswer> = {}): string => {
  const data = promptData(healthyFacts());
  const anomalies = data.anomalies.slice(0, 3).map((anomaly) => ({
    title: `Anomaly ${anomaly.date}`,
    detail: `On ${anomaly.date} the building used ${anomaly.actualKwh} kWh against an expected ${anomaly.expectedKwh} kWh.`,
    evidence: [{ metric: anomaly.actualMetric, value: anomaly.actualKwh, unit: 'kWh' }],
  }));
  return JSON.stringify({
    summary: 'The building uses 1,234,568 kWh of electricity a year; its baseload is 98.6 kW.',
    findings: [
      {
        title: 'Load',
        detail,
        evidence: [
          { metric: 'electricity.annualKwh', value: 1234568, unit: 'kWh' },
          { metric: 'electricity.load.baseloadKw', value: 98.6 },
          { metric: 'electricity.load.peakKw', value: 241.3 },
        ],
      },
      ...anomalies,
    ],
    recommendations: [
      {
        action: 'Cut the overnight baseload',
        rationale: 'Night use is high for an office.',
        estimatedAnnualSavingsKwh: 61700,
        estimatedSavingsPct: 5,
        evidence: [{ metric: 'electricity.load.nightDayRatio', value: 0.617 }],
        priority: 'high',
      },
    ],
    dataIssuesAddressed: data.dataIssues.map((issue) => ({ issue: issue.kind, response: 'Excluded from the baseline and caveated.' })),
    confidence: 0.7,
    ...extra,
  });
};
const rec = (kwh: number, pct: number) => ({
  action: 'Cut the overnight baseload',
  rationale: 'Night use is high for an office.',
  estimatedAnnualSavingsKwh: kwh,
  estimatedSavingsPct: pct,
  evidence: [{ metric: 'electricity.load.nightDayRatio', value: 0.617 }],
  priority: 'high' as const,
});
const verdict = (detail: string, extra: Partial<AnalysisAnswer> = {}) => evaluateAnswer(answer(detail, extra), healthyFacts(), 'building-diagnostic');

describe('grounding by value', () => {
  it.each([
    'Demand tops out at 241 kW.',
    'Annual electricity: 1.23 GWh, about 3,382 kWh per day.',
    'It draws roughly one point two million kWh a year.',
    'The peak is about 2.4 times the baseload.',
    'The peer median EUI is 252 kWh/m².',
    'Peer percentile: 71st; peer median EUI: 251.9 kWh/m².',
    'Electricity base/peak 98.6 kW/241.3 kW.',
    '98.6 kW of baseload against 241.3 kW at peak.',
    '0.617 is the night/day ratio and 1.41 the weekday/weekend ratio.',
    'Electricity has 8,398 valid hours out of 8,760.',
    'The electricity record contains 1 outage.',
    'Of the 60 peer buildings it ranks 71st.',
    'The two largest anomalies are described below.',
    'The load never falls much below 98.6 kW (baseload) and tops out at 241.3 kW (peak).',
    'Weekend use is lower than weekday use (weekday use is 141.2% of weekend use).',
    'Electricity use tracks outdoor temperature (r = -0.452).',
    '95.9% electricity coverage (8,398 of 8,760 hours valid).',
    "The peer median among 60 office buildings is 251.9 kWh/m², so this building's 374.5 kWh/m² is higher by 122.6 kWh/m².",
    'That is 3,491 kWh a day in January, against 3,479 kWh a day in February.',
    '4 measures for Building b7, led by out-of-hours shutdown.',
    'The gas data are fit for analysis: coverage is 0.882 with no outages.',
  ])('passes a correct figure in any sentence shape, unit or derived form: %s', (detail) => {
    expect(verdict(detail).pass).toBe(true);
  });

  it.each([
    'Demand tops out at 334 kW.',
    'Annual electricity: 39,956 kWh.',
    'It is estimated at roughly 4,000 MWh a year.',
    'The building uses 1,234,568 kW a year.',
    'Annual use works out at 23,742 kWh per day.',
    'The peak is 98.6 kW.',
    'Electricity has 8,398 valid hours of 8,760, with 8,398 h missing and 362 h at zero.',
    'Night runs at 1.41 of day; the night/day ratio is 1.41.',
    'The building ranks at the 71st percentile, where the peer median is 374.5 kWh/m².',
    'Electricity has valid readings for 8,760 hours.',
    'The electricity record contains four separate outages.',
    'Of the 84 peer buildings in the comparison group, this one is among the more intensive.',
    'Eleven data issues were raised for this building.',
  ])('fails a wrong figure, a unit confusion or a wrong period: %s', (detail) => {
    expect(verdict(detail).pass).toBe(false);
  });

  it('fails direction words the facts contradict', () => {
    expect(verdict('Night-time use is higher than daytime use (night/day ratio 0.617).').pass).toBe(false);
    expect(verdict('Night-time use is lower than daytime use (night/day ratio 0.617).').pass).toBe(true);
  });

  it('fails savings above consumption and reductions above 100 %', () => {
    expect(verdict('Controls could save 2,000,000 kWh a year.').pass).toBe(false);
    expect(verdict('Controls could cut use by 150%.').pass).toBe(false);
  });

  it('fails prose the fields or facts contradict: confidence words, the side of the peers, "no gaps" beside an outage', () => {
    expect(verdict('Treat this as a low-confidence assessment.', { confidence: 0.95 }).pass).toBe(false);
    expect(verdict('Confidence in these findings is low given the data limitations.', { confidence: 0.92 }).pass).toBe(false);
    expect(verdict('The building is less intensive than most of its peers.').pass).toBe(false);
    expect(verdict('The building is more intensive than most of its peers.').pass).toBe(true);
    expect(verdict('The electricity record is complete with no gaps or outages.').pass).toBe(false);
    expect(verdict('Gas: no gaps or outages.').pass).toBe(true);
  });

  it('reads direction words in the shapes writers use: temperature, the median, meters, spikes and dips', () => {
    expect(verdict('Daily electricity use rises as outdoor temperature rises (slope 21.7 kWh/°C).').pass).toBe(false);
    expect(verdict('Daily electricity use rises as outdoor temperature falls (slope minus 21.7 kWh/°C).').pass).toBe(true);
    expect(verdict('At about 375 kWh/m² the building sits below the peer median of about 252 kWh/m².').pass).toBe(false);
    expect(verdict('Night-time gas use is higher than daytime use (night/day ratio 0.71).').pass).toBe(false);
    const data = promptData(healthyFacts());
    const high = data.anomalies.find((anomaly) => anomaly.actualKwh > anomaly.expectedKwh)!;
    expect(verdict(`On ${high.date} use came in below expected: ${high.actualKwh} kWh against ${high.expectedKwh} kWh.`).pass).toBe(false);
    expect(verdict(`On ${high.date} use came in above expected: ${high.actualKwh} kWh against ${high.expectedKwh} kWh.`).pass).toBe(true);
  });

  it('wants an entry for each data issue of a kind, or one that speaks of them all', () => {
    const base = JSON.parse(answer('The peak is 241 kW.'));
    const data = promptData(healthyFacts());
    const kinds = data.dataIssues.map((issue) => issue.kind);
    const withIssues = (dataIssuesAddressed: unknown[]) => evaluateAnswer(JSON.stringify({ ...base, dataIssuesAddressed }), healthyFacts(), 'data-quality-triage');
    const twice = [...kinds, kinds[0]];
    const facts = healthyFacts();
    facts.dataIssues = twice.map((kind, index) => ({ ...data.dataIssues[Math.min(index, data.dataIssues.length - 1)], kind }));
    const judge = (entries: unknown[]) => evaluateAnswer(JSON.stringify({ ...base, dataIssuesAddressed: entries }), facts, 'data-quality-triage').checks.complete.issues.join('\n');
    expect(judge(twice.map((kind) => ({ issue: kind, response: 'Excluded from the baseline.' })))).not.toMatch(/addressed/);
    expect(judge(kinds.map((kind) => ({ issue: kind, response: 'Excluded from the baseline.' })))).toMatch(new RegExp(`2 ${kinds[0]} issues, 1 addressed`));
    expect(judge(kinds.map((kind) => ({ issue: kind, response: 'Both are excluded from the baseline.' })))).not.toMatch(/addressed/);
    expect(withIssues([]).checks.complete.issues.join('\n')).toMatch(/is not addressed/);
  });

  it('fails generic advice that states no figure of the building, even with real evidence values', () => {
    const generic = JSON.parse(answer('Commercial buildings typically waste energy outside occupied hours.'));
    generic.summary = 'Buildings of this type usually have significant savings potential through better controls and lighting.';
    generic.findings = generic.findings.slice(0, 1);
    generic.recommendations[0].rationale = 'A common first step for any energy programme.';
    const result = evaluateAnswer(JSON.stringify(generic), healthyFacts(), 'building-diagnostic');
    expect(result.checks.notRefusal.issues.join('\n')).toMatch(/generic advice/);
    expect(verdict('Commercial buildings typically waste energy outside occupied hours; this one peaks at 241 kW.').checks.notRefusal.issues).toEqual([]);
  });

  it('fails invented context: another year, a payback period, sized plant the data never mentions, reliability words against the field', () => {
    expect(verdict('Coverage held up with 1 outage during 2018.').pass).toBe(false);
    expect(verdict('Coverage held up with 1 outage during 2019; ISO 50001:2018 suggests a review.').pass).toBe(true);
    expect(verdict('At typical tariffs the measures have a payback of 3 years.').pass).toBe(false);
    expect(verdict('The peak of 241.3 kW likely comes from the 74 kW chiller plant.').pass).toBe(false);
    expect(verdict('These results are unreliable given the data quality.', { confidence: 0.9 }).pass).toBe(false);
    expect(verdict('Fully reliable: the data support every figure.', { confidence: 0.25 }).pass).toBe(false);
  });

  it('reads "expected use for <date> was N" as the expected figure and "one outage" as a count', () => {
    const data = promptData(healthyFacts());
    const high = data.anomalies.find((anomaly) => anomaly.actualKwh > anomaly.expectedKwh)!;
    expect(verdict(`Expected use for ${high.date} was ${high.actualKwh} kWh; the meter recorded ${high.expectedKwh} kWh.`).pass).toBe(false);
    expect(verdict(`Expected use for ${high.date} was ${high.expectedKwh} kWh; the meter recorded ${high.actualKwh} kWh.`).pass).toBe(true);
    expect(verdict('The electricity record shows three separate outages.').pass).toBe(false);
    expect(verdict('The electricity record shows one outage.').pass).toBe(true);
  });

  it('holds an anomaly finding to the dates it cites, and a week to its first day', () => {
    const data = promptData(healthyFacts());
    const week = data.anomalies.find((anomaly) => anomaly.kind.startsWith('week'))!;
    const later = new Date(Date.parse(`${week.date}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(verdict(`The week starting ${later} used ${week.actualKwh} kWh against ${week.expectedKwh} kWh expected.`).pass).toBe(false);
    expect(verdict(`The week starting ${week.date} used ${week.actualKwh} kWh against ${week.expectedKwh} kWh expected.`).pass).toBe(true);
    const day = data.anomalies.find((anomaly) => anomaly.kind.startsWith('day'))!;
    const shifted = JSON.parse(answer('The peak is 241 kW.'));
    const finding = shifted.findings.find((entry: { evidence: { metric: string }[] }) => entry.evidence.some((item) => item.metric === day.actualMetric));
    finding.detail = finding.detail.replace(day.date, '2019-12-31');
    expect(evaluateAnswer(JSON.stringify(shifted), healthyFacts(), 'building-diagnostic').checks.consistent.issues.join('\n')).toMatch(/the anomalies it cites/);
  });

  it('holds a recommendation\'s prose to its own savings, and "no zero runs" to the data issues', () => {
    const base = JSON.parse(answer('The peak is 241 kW.'));
    base.recommendations = [
      {
        ...base.recommendations[0],
        rationale: 'Night use is high for an office. This should save roughly 23,000 kWh a year.',
        estimatedAnnualSavingsKwh: 61700,
        estimatedSavingsPct: 5,
      },
      { ...base.recommendations[0], action: 'Tighten weekend schedules', rationale: 'Weekend use is high.', estimatedAnnualSavingsKwh: 24700, estimatedSavingsPct: 2 },
    ];
    expect(evaluateAnswer(JSON.stringify(base), healthyFacts(), 'building-diagnostic').checks.grounded.issues.join('\n')).toMatch(/23,000 kWh/);
    const facts = healthyFacts();
    facts.dataIssues = [...facts.dataIssues, { kind: 'zero-runs', severity: 'info', message: 'gas: 3 runs of 24 h or more reading 0 (96 h in all)' }];
    const claim = JSON.parse(answer('The gas data are complete with no zero runs.'));
    claim.dataIssuesAddressed = facts.dataIssues.map((issue) => ({ issue: issue.kind, response: 'Excluded from the baseline and caveated.' }));
    expect(evaluateAnswer(JSON.stringify(claim), facts, 'building-diagnostic').checks.consistent.issues.join('\n')).toMatch(/no zero runs/);
  });

  it("fails a month called anomalous when none of the data's anomalies falls in it", () => {
    const data = promptData(healthyFacts());
    const month = data.anomalies[0].date.slice(0, 7);
    const other = month.endsWith('-11') ? `${month.slice(0, 5)}03` : `${month.slice(0, 5)}11`;
    expect(data.anomalies.some((anomaly) => anomaly.date.startsWith(other))).toBe(false);
    expect(verdict(`The anomaly screen flags ${other} as abnormal.`).pass).toBe(false);
    expect(verdict(`The anomaly screen flags ${month} as abnormal.`).pass).toBe(true);
  });

  it('fails a confidence field the prose contradicts, and a money figure the data cannot support', () => {
    expect(verdict('Confidence is low because of the outage.', { confidence: 0.9 }).pass).toBe(false);
    expect(verdict('A new chiller would cost $120,000.').pass).toBe(false);
  });

  it('tells a soft refusal from an honest caveat', () => {
    expect(verdict('The peak is 241 kW.', { summary: 'A meaningful analysis of this building is not possible with the data provided.' }).pass).toBe(false);
    expect(verdict('The peak is 241 kW. I cannot provide cost estimates from this data.').pass).toBe(true);
    expect(verdict('The peak is 241 kW.', { summary: 'Without site surveys I cannot provide a meaningful building diagnostic; please provide more information.' }).pass).toBe(
      false,
    );
    expect(verdict('The peak is 241 kW.', { summary: 'The peak is 241 kW; without tariffs I cannot provide a detailed cost analysis, but the load data are sound.' }).pass).toBe(
      true,
    );
  });

  it('reads a narrow range as one claim that the figure lies inside it', () => {
    expect(verdict('Baseload is between 95 and 100 kW; the peak lies between 230 and 250 kW.').pass).toBe(true);
    expect(verdict('Intensity of between 360 and 380 kWh/m² sits above the peer median of 252 kWh/m².').pass).toBe(true);
    expect(verdict('Baseload is between 80 and 90 kW.').pass).toBe(false);
    expect(verdict('The peak lies between 250 and 270 kW.').pass).toBe(false);
    // Too wide to be one claim: both ends are figures, and neither is the baseload.
    expect(verdict('Baseload is between 10 and 500 kW.').pass).toBe(false);
  });

  it('gives a number to the phrase that owns it: "(peer median 252)", "the 252 kWh/m² median: 374.8", "base 98.6 kW", "LF"', () => {
    expect(verdict('EUI: 374.8 kWh/m² (peer median 252).').pass).toBe(true);
    expect(verdict('Against its peers the building is above the 252 kWh/m² median: 374.8 kWh/m², a high intensity.').pass).toBe(true);
    expect(verdict('EUI: 252 kWh/m² (peer median 252).').pass).toBe(false);
    expect(verdict('Peak 241.3 kW, base 98.6 kW.').pass).toBe(true);
    expect(verdict('Peak two hundred and forty-one kilowatts, base 98.6 kW.').pass).toBe(true);
    expect(verdict('Peak 241.3 kW, base 241.3 kW.').pass).toBe(false);
    expect(verdict('Load: base 98.6 kW, peak 241.3 kW, LF 0.58.').pass).toBe(true);
    expect(verdict('Load: base 98.6 kW, peak 241.3 kW, LF 0.62, night/day 0.62.').pass).toBe(false);
  });

  it('reads swaps in colon lists, after "to be", after a night or weekday, and in a savings sentence', () => {
    expect(verdict('Night-time use runs at 0.617 of the daytime level.').pass).toBe(true);
    expect(verdict('Night-time use runs at 0.58 of the daytime level.').pass).toBe(false);
    expect(verdict('Electricity use appears to be 1,234,568 kWh for the year.').pass).toBe(true);
    expect(verdict('Electricity use appears to be 455,780 kWh for the year.').pass).toBe(false);
    expect(verdict('Electricity: 1,234,568 kWh a year. Gas: 455,780 kWh a year.').pass).toBe(true);
    expect(verdict('Electricity: 1,234,568 kWh a year. Gas: 1,234,568 kWh a year.').pass).toBe(false);
    expect(verdict('Gas use of 1,234,568 kWh rises with cold weather, so tighter heating control should cut it.').pass).toBe(false);
    expect(verdict('Load: base about 98.6 kW, peak about 98.6 kW.').pass).toBe(false);
    expect(verdict('The load factor is 58 %.').pass).toBe(true);
    expect(verdict('The load factor is 61.7 %.').pass).toBe(false);
    expect(verdict('The night/day ratio is 0.58.').pass).toBe(false);
    expect(verdict('374.8 kWh/m² electricity EUI, above the peer median.').pass).toBe(true);
    expect(verdict('251.9 kWh/m² electricity EUI, above the peer median.').pass).toBe(false);
    expect(verdict('The longest electricity gap runs to 46 hours.').pass).toBe(true);
    expect(verdict('The longest electricity gap runs to 98 hours.').pass).toBe(false);
  });

  it('reads what writer F wrote: confidence restated, reliability of one window, summed and partial savings, labelled anomaly figures, US units, weather shapes', () => {
    expect(verdict('Confidence is moderate (0.7) given the data issues noted.').pass).toBe(true);
    expect(verdict('Results for that window are not reliable; elsewhere the data hold.').pass).toBe(true);
    expect(verdict('The results are not reliable.').pass).toBe(false);
    expect(verdict('The peak is 241 kW.', { recommendations: [rec(61700, 5), rec(24700, 2)] }).pass).toBe(true);
    expect(verdict('Together the measures save about 7% of electricity use.', { recommendations: [rec(61700, 5), rec(24700, 2)] }).pass).toBe(true);
    expect(verdict('Together the measures save about 19% of electricity use.', { recommendations: [rec(61700, 5), rec(24700, 2)] }).pass).toBe(false);
    expect(verdict('Trimming the 98.6 kW baseload by 15% would cut the overnight waste.').pass).toBe(true);
    expect(verdict('Site EUI is 374.8 kWh/m² (118.8 kBtu/ft²); the year comes to 4,212 MMBtu.').pass).toBe(true);
    expect(verdict('Site EUI is 374.8 kWh/m² (150 kBtu/ft²).').pass).toBe(false);
    expect(verdict('Electricity demand drops in colder weather (slope -21.7 kWh/°C).').pass).toBe(false);
    expect(verdict('Warmer days push electricity use up.').pass).toBe(false);
    expect(verdict('Electricity use rises in colder weather (slope -21.7 kWh/°C).').pass).toBe(true);
  });

  it('holds "That averages N kWh a day" to the year the sentence before stated', () => {
    expect(verdict('The building used 1,234,568 kWh of electricity. That averages 3,382 kWh a day.').pass).toBe(true);
    expect(verdict('The building used 1,234,568 kWh of electricity. That averages 2,990 kWh a day.').pass).toBe(false);
  });

  it('holds a named month to its own use, and heating/cooling thresholds to their own balance points', () => {
    expect(verdict('January 2019 was the highest month at 108,230 kWh and February 2019 the lowest at 97,410 kWh.').pass).toBe(true);
    expect(verdict('January 2019 was the highest month at 97,410 kWh and February 2019 the lowest at 108,230 kWh.').pass).toBe(false);
    // Gas (fixture): heating balance point 15.5 °C, no cooling.
    expect(verdict('The gas change-point model finds heating below 15.5 °C.').pass).toBe(true);
    expect(verdict('The gas change-point model finds heating below 12 °C.').pass).toBe(false);
  });

  it('reads format slips forgivingly, noted as slips, and lists every claim with what it matched', () => {
    const result = evaluateAnswer(
      answer('Demand tops out at 241 kW.').replace('"confidence":0.7', '"confidence":"high"').replace('"electricity.load.peakKw","value":241.3', '"peak_kw","value":"241.3"'),
      healthyFacts(),
      'building-diagnostic',
    );
    expect(result.pass).toBe(true);
    expect(result.repairs.join('\n')).toMatch(/confidence written as "high"/);
    expect(result.repairs.join('\n')).toMatch(/metric written as "peak_kw"/);
    expect(result.claims.find((claim) => claim.written === '241 kW')).toMatchObject({ status: 'matched' });
  });
});
