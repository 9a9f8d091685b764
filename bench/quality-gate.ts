/**
 * Quality-gate benchmark: real buildings × analysis types × answer behaviours.
 *
 *   npx tsx bench/quality-gate.ts [--samples 5] [--seed 1] [--data ../shared/data/cambridge_estates]
 *
 * For each of the 60 Cambridge Estates buildings and each analysis type, builds the
 * prompt, asks `synthesizeAnswer` for labelled answers (grounded, hallucination,
 * invalid-json, missing-sections) and runs `evaluateAnswer` on them. Prints the
 * confusion matrix per fault kind, hallucination recall, grounded false-fail rate and
 * time per evaluation.
 *
 * Facts: the facts package had not landed when this was written, so the bench computes
 * electricity-only facts itself (`benchFacts`: coverage, outages, load shape, weather
 * slope, daily robust-z anomalies, peers). Switch it to `computeFacts` from
 * `@eaio/energy` once that exists.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ANALYSIS_TYPES } from '@eaio/core';
import { buildPrompt, evaluateAnswer, synthesizeAnswer, type AnswerBehaviour } from '@eaio/energy';
import type { AnomalyFact, BuildingFacts, DataIssue, MissingFact, Period } from '@eaio/energy';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const samples = Number(argument('samples', '5'));
const seed = Number(argument('seed', '1'));
const dataDir = resolve(argument('data', join(import.meta.dirname, '../../shared/data/cambridge_estates')));

const createRandom = (start: number) => {
  let state = start >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
};

// ---- Minimal fact computer (electricity only), until the facts package lands. ----
const HOURS = 8760;
const START = Date.parse('2019-01-01T00:00:00Z');
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

const benchFacts = (): BuildingFacts[] => {
  const metadata = readFileSync(join(dataDir, 'metadata.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const temperature = new Array<number>(HOURS).fill(Number.NaN);
  for (const line of readFileSync(join(dataDir, 'weather.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [timestamp, , air] = line.split(',');
    temperature[(Date.parse(timestamp) - START) / 3_600_000] = Number(air);
  }
  const series = new Map<string, Float64Array>();
  for (const line of readFileSync(join(dataDir, 'electricity.csv'), 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const [building, timestamp, kwh] = line.split(',');
    let values = series.get(building);
    if (!values) series.set(building, (values = new Float64Array(HOURS).fill(Number.NaN)));
    values[(Date.parse(timestamp) - START) / 3_600_000] = Number(kwh);
  }
  const facts = metadata.map(([buildingId, , , sqmText]): BuildingFacts => {
    const values = series.get(buildingId) ?? new Float64Array(HOURS).fill(Number.NaN);
    const sqm = Number(sqmText) > 0 ? Number(sqmText) : null;
    const valid: number[] = [];
    let zeroHours = 0;
    let missingHours = 0;
    const outages: Period[] = [];
    let run = 0;
    let longestGapHours = 0;
    const closeRun = (hour: number) => {
      if (run >= 24) outages.push({ start: new Date(START + (hour - run) * 3_600_000).toISOString(), end: new Date(START + hour * 3_600_000).toISOString(), hours: run });
      longestGapHours = Math.max(longestGapHours, run);
      run = 0;
    };
    values.forEach((value, hour) => {
      if (Number.isNaN(value)) missingHours += 1;
      else if (value === 0) zeroHours += 1;
      if (value > 0) {
        valid.push(value);
        closeRun(hour);
      } else run += 1;
    });
    closeRun(HOURS);
    const sorted = [...valid].sort((left, right) => left - right);
    const totalKwh = valid.reduce((sum, value) => sum + value, 0);
    const annualKwh = valid.length >= 720 ? (totalKwh * HOURS) / valid.length : null;
    const hourly = (filter: (date: Date) => boolean) => mean([...values].filter((value, hour) => value > 0 && filter(new Date(START + hour * 3_600_000))));
    const weekday = hourly((date) => date.getUTCDay() % 6 !== 0);
    const weekend = hourly((date) => date.getUTCDay() % 6 === 0);
    const night = hourly((date) => date.getUTCHours() < 6);
    const day = hourly((date) => date.getUTCHours() >= 8 && date.getUTCHours() < 18);
    const peak = sorted.at(-1) ?? null;
    const days: { date: string; kwh: number; temperature: number; weekend: boolean }[] = [];
    for (let dayIndex = 0; dayIndex < 365; dayIndex += 1) {
      const hours = [...values.slice(dayIndex * 24, dayIndex * 24 + 24)];
      if (hours.filter((value) => value > 0).length < 20) continue;
      const date = new Date(START + dayIndex * 86_400_000);
      days.push({ date: date.toISOString().slice(0, 10), kwh: (mean(hours.filter((value) => value > 0)) * 24), temperature: mean(temperature.slice(dayIndex * 24, dayIndex * 24 + 24)), weekend: date.getUTCDay() % 6 === 0 });
    }
    let weather: BuildingFacts['meters'][number]['weather'] = null;
    if (days.length >= 30) {
      const meanT = mean(days.map((entry) => entry.temperature));
      const meanK = mean(days.map((entry) => entry.kwh));
      const sxy = days.reduce((sum, entry) => sum + (entry.temperature - meanT) * (entry.kwh - meanK), 0);
      const sxx = days.reduce((sum, entry) => sum + (entry.temperature - meanT) ** 2, 0);
      const syy = days.reduce((sum, entry) => sum + (entry.kwh - meanK) ** 2, 0);
      weather = { days: days.length, slopeKwhPerDegC: sxy / sxx, r: syy > 0 ? sxy / Math.sqrt(sxx * syy) : null, changePoint: null };
    }
    const anomalies: AnomalyFact[] = [];
    for (const weekendFlag of [false, true]) {
      const group = days.filter((entry) => entry.weekend === weekendFlag);
      const kwhs = group.map((entry) => entry.kwh).sort((left, right) => left - right);
      if (kwhs.length < 10) continue;
      const median = quantile(kwhs, 0.5);
      const mad = quantile(kwhs.map((value) => Math.abs(value - median)).sort((left, right) => left - right), 0.5);
      if (mad <= 0) continue;
      for (const entry of group) {
        const robustZ = (entry.kwh - median) / (1.4826 * mad);
        if (Math.abs(robustZ) >= 3.5) {
          anomalies.push({ kind: robustZ > 0 ? 'day-high' : 'day-low', date: entry.date, actualKwh: Math.round(entry.kwh * 10) / 10, expectedKwh: Math.round(median * 10) / 10, deviationPct: (entry.kwh - median) / median, robustZ });
        }
      }
    }
    anomalies.sort((left, right) => Math.abs(right.robustZ) - Math.abs(left.robustZ));
    const monthly = Array.from({ length: 12 }, (_, month) => {
      const hours = [...values].filter((_value, hour) => new Date(START + hour * 3_600_000).getUTCMonth() === month);
      return { month: `2019-${String(month + 1).padStart(2, '0')}`, kwh: Math.round(hours.filter((value) => value > 0).reduce((sum, value) => sum + value, 0)), validHours: hours.filter((value) => value > 0).length };
    });
    const coverageRatio = valid.length / HOURS;
    const dataIssues: DataIssue[] = [];
    const missing: MissingFact[] = [];
    for (const outage of outages) dataIssues.push({ kind: 'outage', severity: outage.hours >= 720 ? 'critical' : 'warning', message: `${outage.hours} h without readings from ${outage.start}` });
    if (coverageRatio < 0.9) dataIssues.push({ kind: 'low-coverage', severity: coverageRatio < 0.5 ? 'critical' : 'warning', message: `${Math.round(coverageRatio * 100)}% of hours valid` });
    if (sqm === null) missing.push({ metric: 'electricity.euiKwhPerSqm', reason: 'no floor area' });
    if (valid.length === 0) {
      dataIssues.push({ kind: 'all-zero', severity: 'critical', message: 'no positive readings' });
      missing.push({ metric: 'electricity.annualKwh', reason: 'no valid readings' });
    }
    return {
      factsVersion: 'bench-fallback-1',
      building: { buildingId, sqm, primaryUse: null, timezone: 'Europe/London' },
      period: { start: '2019-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z', hours: HOURS, timezone: 'Europe/London' },
      meters: [{
        meter: 'electricity', totalKwh, annualKwh, euiKwhPerSqm: annualKwh !== null && sqm !== null ? annualKwh / sqm : null,
        coverage: { expectedHours: HOURS, validHours: valid.length, missingHours, zeroHours, coverageRatio, longestGapHours, outages },
        load: { baseloadKw: sorted.length ? quantile(sorted, 0.05) : null, peakKw: peak, loadFactor: peak ? mean(valid) / peak : null,
          weekdayWeekendRatio: weekend > 0 ? weekday / weekend : null, nightDayRatio: day > 0 ? night / day : null },
        weather, anomalies, monthly,
      }],
      peers: null, dataIssues, missing,
    };
  });
  const euis = facts.map((entry) => entry.meters[0].euiKwhPerSqm).filter((value): value is number => value !== null).sort((left, right) => left - right);
  for (const entry of facts) {
    const eui = entry.meters[0].euiKwhPerSqm;
    entry.peers = { group: 'all', groupSize: euis.length, euiPercentile: eui === null ? null : (100 * euis.filter((value) => value < eui).length) / euis.length, medianEuiKwhPerSqm: quantile(euis, 0.5) };
  }
  return facts;
};

// ---- Benchmark ----
const BEHAVIOURS: AnswerBehaviour[] = ['grounded', 'hallucination', 'invalid-json', 'missing-sections'];
const facts = benchFacts();
const random = createRandom(seed);
const matrix = new Map<string, { pass: number; fail: number }>();
const byType = new Map<string, { pass: number; fail: number }>();
const mistakes: string[] = [];
let evaluations = 0;
let evaluationMs = 0;
for (const building of facts) {
  for (const type of ANALYSIS_TYPES) {
    const prompt = buildPrompt(type, building);
    const text = `${prompt.system}\n\n${prompt.user}`;
    for (const behaviour of BEHAVIOURS) {
      for (let sample = 0; sample < samples; sample += 1) {
        const answer = synthesizeAnswer(text, behaviour, random);
        if (!answer) throw new Error(`no answer for ${building.building.buildingId} ${type}`);
        const started = performance.now();
        const result = evaluateAnswer(answer.text, building, type);
        evaluationMs += performance.now() - started;
        evaluations += 1;
        const cell = matrix.get(behaviour) ?? { pass: 0, fail: 0 };
        cell[result.pass ? 'pass' : 'fail'] += 1;
        matrix.set(behaviour, cell);
        const typeCell = byType.get(`${type} ${behaviour}`) ?? { pass: 0, fail: 0 };
        typeCell[result.pass ? 'pass' : 'fail'] += 1;
        byType.set(`${type} ${behaviour}`, typeCell);
        const wrong = behaviour === 'grounded' ? !result.pass : result.pass;
        if (wrong && mistakes.length < 8) {
          const issues = Object.entries(result.checks).flatMap(([name, check]) => check.issues.map((issue) => `${name}: ${issue}`));
          mistakes.push(`${building.building.buildingId} ${type} ${answer.label} score=${result.score} ${issues.slice(0, 3).join(' | ') || '(no issues)'}`);
        }
      }
    }
  }
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);
console.log(`quality gate: ${facts.length} buildings × ${ANALYSIS_TYPES.length} analysis types × ${BEHAVIOURS.length} behaviours × ${samples} samples = ${evaluations} answers (facts: ${facts[0]?.factsVersion})\n`);
console.log(`${pad('behaviour', 18)}${pad('pass', 8)}${pad('fail', 8)}`);
for (const behaviour of BEHAVIOURS) {
  const cell = matrix.get(behaviour) ?? { pass: 0, fail: 0 };
  console.log(`${pad(behaviour, 18)}${pad(cell.pass, 8)}${pad(cell.fail, 8)}`);
}
console.log('\nper analysis type (pass/fail):');
for (const [key, cell] of byType) console.log(`  ${pad(key, 40)}${cell.pass}/${cell.fail}`);
const grounded = matrix.get('grounded') ?? { pass: 0, fail: 0 };
const hallucination = matrix.get('hallucination') ?? { pass: 0, fail: 0 };
const recall = hallucination.fail / Math.max(1, hallucination.pass + hallucination.fail);
const falseFail = grounded.fail / Math.max(1, grounded.pass + grounded.fail);
console.log(`\nhallucination recall:      ${recall.toFixed(4)} (target ≥ 0.95) ${recall >= 0.95 ? 'OK' : 'MISSED'}`);
console.log(`grounded false-fail rate:  ${falseFail.toFixed(4)} (target ≤ 0.02) ${falseFail <= 0.02 ? 'OK' : 'MISSED'}`);
console.log(`time per evaluation:       ${(evaluationMs / evaluations).toFixed(3)} ms (mean over ${evaluations})`);
if (mistakes.length > 0) console.log(`\nfirst misclassified answers:\n  ${mistakes.join('\n  ')}`);
