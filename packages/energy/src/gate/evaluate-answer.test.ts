import { describe, expect, it } from 'vitest';
import type { AnalysisAnswer } from '../answer-schema';
import { badDataFacts, healthyFacts } from '../prompts/fixture-facts';
import { evaluateAnswer } from './evaluate-answer';

/** A correct diagnostic for `healthyFacts()`, written by hand. */
const goodDiagnostic = (): AnalysisAnswer => ({
  summary: 'The building uses 1.23 GWh of electricity a year, an EUI of 375 kWh/m², above the peer median of 252 kWh/m².',
  findings: [
    {
      title: 'Consumption',
      detail: 'Annual electricity consumption is 1,234,568 kWh. It sits at the 71st percentile of its peers.',
      evidence: [
        { metric: 'electricity.annualKwh', value: 1234568, unit: 'kWh' },
        { metric: 'peers.euiPercentile', value: 71.2 },
      ],
    },
    {
      title: 'Load',
      detail: 'The baseload is 98.6 kW against a 241 kW peak; the load factor is 0.58.',
      evidence: [
        { metric: 'electricity.load.baseloadKw', value: 98.6, unit: 'kW' },
        { metric: 'electricity.load.peakKw', value: 241.3 },
      ],
    },
    {
      title: 'High day on 2019-07-24',
      detail: 'On 2019-07-24 the building used 5,120 kWh against an expected 3,390 kWh.',
      evidence: [{ metric: 'electricity.anomaly.day-high.2019-07-24.actualKwh', value: 5120.4 }],
    },
    {
      title: 'Christmas',
      detail: 'On 25 December 2019 use fell to 1,711 kWh, well under the expected 3,302 kWh.',
      evidence: [{ metric: 'electricity.anomaly.day-low.2019-12-25.expectedKwh', value: 3301.5 }],
    },
    {
      title: 'Low week of 2019-04-15',
      detail: 'Easter week used 17,980 kWh where 23,050 kWh was expected.',
      evidence: [{ metric: 'electricity.anomaly.week-low.2019-04-15.actualKwh', value: 17980 }],
    },
  ],
  recommendations: [
    {
      action: 'Cut the overnight baseload',
      rationale: 'Reducing the baseload by 10 kW would save about 87,600 kWh a year.',
      estimatedAnnualSavingsKwh: 87600,
      estimatedSavingsPct: 7.1,
      evidence: [{ metric: 'electricity.load.nightDayRatio', value: 0.617 }],
      priority: 'high',
    },
  ],
  dataIssuesAddressed: [
    { issue: 'outage', response: 'Outage hours excluded.' },
    { issue: 'low-coverage', response: 'Gas figures are caveated.' },
  ],
  confidence: 0.75,
});

const evaluate = (answer: unknown, facts = healthyFacts(), type: Parameters<typeof evaluateAnswer>[2] = 'building-diagnostic') =>
  evaluateAnswer(typeof answer === 'string' ? answer : JSON.stringify(answer), facts, type);

describe('evaluateAnswer', () => {
  it('passes a grounded, complete answer with every check clean', () => {
    const result = evaluate(goodDiagnostic());
    for (const check of Object.values(result.checks)) expect(check.issues).toEqual([]);
    expect(result.score).toBe(1);
    expect(result.pass).toBe(true);
    expect(result.threshold).toBe(0.7);
  });

  it('reads fenced JSON', () => {
    expect(evaluate(`\`\`\`json\n${JSON.stringify(goodDiagnostic())}\n\`\`\``).pass).toBe(true);
  });

  it('fails one hallucinated evidence number, however good the rest', () => {
    const answer = goodDiagnostic();
    answer.findings[1].evidence[0].value = 131.4; // baseload is 98.6
    const result = evaluate(answer);
    expect(result.pass).toBe(false);
    expect(result.score).toBeLessThan(result.threshold);
    expect(result.checks.grounded.issues.join()).toMatch(/baseloadKw cited as 131.4/);
  });

  it('fails a hallucinated number in prose that names a metric', () => {
    const answer = goodDiagnostic();
    answer.findings[1].detail = 'The baseload is 98.6 kW against a 350 kW peak; the load factor is 0.58.';
    const result = evaluate(answer);
    expect(result.pass).toBe(false);
    expect(result.checks.grounded.issues.join()).toMatch(/350 kW.*peak/);
  });

  it('fails an anomaly whose expected figure was swapped for a number near the actual one', () => {
    const answer = goodDiagnostic();
    answer.findings[2].detail = 'On 2019-07-24 the building used 5,120 kWh against an expected 5,050 kWh.';
    const result = evaluate(answer);
    expect(result.pass).toBe(false);
    expect(result.checks.grounded.issues.join()).toMatch(/5,050 kWh.*expectedKwh/);
  });

  it('checks a number in a finding that names no meter against the meter the finding cites', () => {
    const answer = goodDiagnostic();
    answer.findings[1].detail = 'The baseload is 4.2 kW against a 241 kW peak.'; // 4.2 kW is the gas baseload
    expect(evaluate(answer).checks.grounded.issues.join()).toMatch(/4\.2 kW.*baseload/);
    answer.findings[1].detail = 'The gas baseload is 4.2 kW; the electricity peak is 241 kW.';
    expect(evaluate(answer).checks.grounded.issues).toEqual([]);
  });

  it('accepts rounding and unit changes a model makes, within tolerance', () => {
    const answer = goodDiagnostic();
    answer.findings[0].evidence[0] = { metric: 'electricity.annualKwh', value: 1235, unit: 'MWh' };
    answer.findings[1].evidence[1] = { metric: 'electricity.load.peakKw', value: 240 };
    answer.findings[1].detail = 'The baseload is about 99 kW against a 241.3 kW peak; the load factor is 58%.';
    expect(evaluate(answer).checks.grounded.issues).toEqual([]);
    answer.findings[1].evidence[1] = { metric: 'electricity.load.peakKw', value: 200 }; // 17% off
    expect(evaluate(answer).pass).toBe(false);
  });

  it('treats unknown metric names, and values for missing metrics, as ungrounded', () => {
    const unknown = goodDiagnostic();
    unknown.findings[0].evidence.push({ metric: 'electricity.load.shoulderKw', value: 55 });
    expect(evaluate(unknown).checks.grounded.issues.join()).toMatch(/unknown metric electricity.load.shoulderKw/);
    expect(evaluate(unknown).pass).toBe(false);

    const facts = badDataFacts();
    const answer = badDiagnostic();
    answer.findings[0].evidence.push({ metric: 'electricity.euiKwhPerSqm', value: 140 });
    const result = evaluate(answer, facts);
    expect(result.checks.grounded.issues.join()).toMatch(/facts mark missing/);
    expect(result.pass).toBe(false);
    const prose = badDiagnostic();
    prose.summary = 'Electricity use is 475,210 kWh a year, an EUI of 140 kWh/m².';
    expect(evaluate(prose, facts).checks.grounded.issues.join()).toMatch(/140 kWh\/m².*EUI, which the facts mark missing/);
  });

  it('does not demand what bad data facts mark missing (no EUI, peers or weather)', () => {
    const result = evaluate(badDiagnostic(), badDataFacts());
    expect(result.checks.complete.issues).toEqual([]);
    expect(result.pass).toBe(true);
    const retrofit = { ...badDiagnostic(), recommendations: [badDiagnostic().recommendations[0], { ...badDiagnostic().recommendations[0], action: 'Fix the meter' }] };
    expect(evaluate(retrofit, badDataFacts(), 'retrofit-plan').checks.complete.issues).toEqual([]);
  });

  it('marks the answer incomplete when data issues or major anomalies are ignored', () => {
    const answer = goodDiagnostic();
    answer.dataIssuesAddressed = [];
    answer.findings = answer.findings.filter((finding) => !finding.title.includes('2019-07-24'));
    const result = evaluate(answer);
    expect(result.checks.complete.issues).toEqual(
      expect.arrayContaining(['data issue outage is not addressed', 'data issue low-coverage is not addressed', 'the largest anomaly (day-high on 2019-07-24) is not addressed']),
    );
    expect(result.checks.complete.score).toBeLessThan(1);
    // Triage must address info-level issues too.
    const triage = evaluate(goodDiagnostic(), healthyFacts(), 'data-quality-triage');
    expect(triage.checks.complete.issues).toContain('data issue spikes is not addressed');
  });

  it('fails implausible savings, percentages and units', () => {
    const answer = goodDiagnostic();
    answer.recommendations[0].estimatedAnnualSavingsKwh = 2_500_000;
    answer.recommendations[0].estimatedSavingsPct = 130;
    answer.findings[1].evidence[0].unit = 'kWh/m²';
    const result = evaluate(answer);
    const issues = result.checks.plausible.issues.join('\n');
    expect(issues).toMatch(/more than the \d+ kWh consumed/);
    expect(issues).toMatch(/130% outside 0..100/);
    expect(issues).toMatch(/unit "kWh\/m²" does not fit electricity.load.baseloadKw/);
    expect(result.pass).toBe(false);
  });

  it('fails refusals, boilerplate, invalid JSON and missing sections', () => {
    const refusal = { ...goodDiagnostic(), summary: "I'm sorry, but I cannot help with this building analysis." };
    expect(evaluate(refusal).checks.notRefusal.score).toBe(0);
    expect(evaluate(refusal).pass).toBe(false);
    expect(evaluate("I'm sorry, but I can't help with that.").score).toBeLessThan(0.2);
    const invalid = evaluate(JSON.stringify(goodDiagnostic()).slice(0, 400));
    expect(invalid.checks.schema.score).toBe(0);
    expect(invalid.pass).toBe(false);
    const { findings: _dropped, ...missing } = goodDiagnostic();
    const result = evaluate(missing);
    expect(result.checks.schema.issues.join()).toMatch(/findings/);
    expect(result.pass).toBe(false);
  });

  it('takes thresholds, weights and hard checks per analysis type from options', () => {
    const answer = goodDiagnostic();
    answer.dataIssuesAddressed = [];
    // Completeness binds by default: a data issue left unaddressed fails the answer.
    expect(evaluateAnswer(JSON.stringify(answer), healthyFacts(), 'building-diagnostic').pass).toBe(false);
    const lenient = evaluateAnswer(JSON.stringify(answer), healthyFacts(), 'building-diagnostic', { hardChecks: ['schema', 'grounded', 'consistent', 'plausible', 'notRefusal'] });
    expect(lenient.pass).toBe(true);
    const strict = evaluateAnswer(JSON.stringify(answer), healthyFacts(), 'building-diagnostic', {
      hardChecks: ['schema', 'grounded', 'consistent', 'plausible', 'notRefusal'],
      byAnalysisType: { 'building-diagnostic': { threshold: 0.99 } },
    });
    expect(strict.threshold).toBe(0.99);
    expect(strict.pass).toBe(false);
    const heavy = evaluateAnswer(JSON.stringify(answer), healthyFacts(), 'building-diagnostic', { hardChecks: [], weights: { complete: 10 } });
    expect(heavy.checks.complete.weight).toBeGreaterThan(0.8);
    expect(heavy.score).toBeLessThan(lenient.score);
  });
});

const badDiagnostic = (): AnalysisAnswer => ({
  summary: 'Electricity use is 475,210 kWh a year; floor area and weather are unavailable.',
  findings: [
    {
      title: 'Load',
      detail: 'Baseload is 31.2 kW and the peak 112.8 kW.',
      evidence: [
        { metric: 'electricity.annualKwh', value: 475210 },
        { metric: 'electricity.load.baseloadKw', value: 31.2 },
      ],
    },
    {
      title: 'High day on 2019-06-12',
      detail: 'On 2019-06-12 the building used 2,410 kWh against 1,460 kWh expected.',
      evidence: [{ metric: 'electricity.anomaly.day-high.2019-06-12.actualKwh', value: 2410 }],
    },
  ],
  recommendations: [
    {
      action: 'Reduce baseload',
      rationale: 'A 31.2 kW baseload is high.',
      estimatedAnnualSavingsKwh: 23800,
      estimatedSavingsPct: 5,
      evidence: [{ metric: 'electricity.load.baseloadKw', value: 31.2 }],
      priority: 'high',
    },
  ],
  dataIssuesAddressed: [
    { issue: 'outage', response: 'Zero run excluded.' },
    { issue: 'no-floor-area', response: 'No EUI given.' },
    { issue: 'no-weather', response: 'No weather analysis.' },
  ],
  confidence: 0.5,
});
