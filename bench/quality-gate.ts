/**
 * Quality-gate benchmark: the 60 real Cambridge Estates buildings × the three analysis
 * types × labelled answers, scored by `evaluateAnswer`.
 *
 *   npx tsx bench/quality-gate.ts [--samples 5] [--seed 1] [--data ../shared/data/cambridge_estates]
 *   npx tsx bench/quality-gate.ts --corpus FILE.jsonl --meter … --metadata … [--weather …] [--misses OUT.jsonl]
 *   npx tsx bench/quality-gate.ts --through-emulator [--requests 20] [--concurrency 8] [--seed 1]
 *       [--rates grounded=0.4,hallucination=0.4,invalidJson=0.1,missingSections=0.1]
 *
 * Facts come from the project code: `computePortfolioFacts` over `electricity.csv`,
 * `gas.csv.gz`, `metadata.csv` and `weather.csv` (all 60 buildings, 40 with gas).
 *
 * Default mode: for every building and analysis type, builds the prompt and asks
 * `synthesizeAnswer` directly for `--samples` answers of each behaviour (grounded,
 * hallucination, invalid-json, missing-sections); the label is the behaviour asked for.
 *
 * `--through-emulator`: starts the provider emulator (`startEmulator`) with
 * `answerSynthesizer: synthesizeAnswer` and the answer rates of `--rates`, and sends
 * `--requests` chats per building and analysis type through a real Ollama adapter
 * (`createAdapter`, the request the workers send: system + user prompt, JSON schema,
 * the template's max tokens). The emulator picks each answer's behaviour; the label is
 * read back from its request log (`injected`, `answerLabel`) by attempt id, and the gate
 * scores the text the adapter returned.
 *
 * Both print the confusion matrix per fault kind (gate pass/fail), per analysis type,
 * hallucination recall (target ≥ 0.95), grounded false-fail rate (target ≤ 0.02) and
 * the time per evaluation (median, p95, mean), then the first misclassified answers.
 */
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ANALYSIS_TYPES, type AnalysisType } from '@eaio/core';
import { startEmulator, PRESETS, withBehaviour, type AnswerRates, type RequestLogEntry } from '@eaio/emulator';
import { buildPrompt, computePortfolioFacts, evaluateAnswer, synthesizeAnswer, type AnswerBehaviour, type BuildingFacts, type GateResult } from '@eaio/energy';
import { createAdapter } from '@eaio/providers';

// `--corpus FILE.jsonl --meter … --metadata … [--weather …]`: score an external labelled corpus.
if (process.argv.includes('--corpus')) {
  const { parseArgs } = await import('node:util');
  const { scoreCorpus } = await import('./gate-corpus/score-corpus');
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      meter: { type: 'string', multiple: true },
      metadata: { type: 'string' },
      weather: { type: 'string' },
      misses: { type: 'string' },
      warmup: { type: 'string', default: '200' },
    },
  });
  if (!values.corpus || !values.metadata || !values.meter?.length) {
    console.error('usage: npx tsx bench/quality-gate.ts --corpus FILE.jsonl --meter FILE [--meter gas=FILE] --metadata FILE [--weather FILE] [--misses OUT.jsonl] [--warmup 200]');
    process.exit(2);
  }
  await scoreCorpus({ corpus: values.corpus, meters: values.meter, metadata: values.metadata, weather: values.weather, misses: values.misses, warmup: Number(values.warmup) });
  process.exit(0);
}

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const throughEmulator = process.argv.includes('--through-emulator');
const samples = Number(argument('samples', '5'));
const requestsPerPair = Number(argument('requests', '20'));
const concurrency = Number(argument('concurrency', '8'));
const seed = Number(argument('seed', '1'));
const dataDir = resolve(argument('data', join(import.meta.dirname, '../../shared/data/cambridge_estates')));
const rates: AnswerRates = { grounded: 0.4, hallucination: 0.4, invalidJson: 0.1, missingSections: 0.1 };
for (const part of argument('rates', '').split(',').filter(Boolean)) {
  const [key, value] = part.split('=');
  if (!(key in rates)) throw new Error(`unknown answer rate ${key} (grounded, hallucination, invalidJson, missingSections)`);
  rates[key as keyof AnswerRates] = Number(value);
}

const createRandom = (start: number) => {
  let state = start >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
};

// ---- Facts, from the project code ----
const factsStarted = performance.now();
const portfolio = await computePortfolioFacts({
  meters: [
    { meter: 'electricity', source: join(dataDir, 'electricity.csv') },
    { meter: 'gas', source: join(dataDir, 'gas.csv.gz') },
  ],
  metadata: join(dataDir, 'metadata.csv'),
  weather: join(dataDir, 'weather.csv'),
});
const factsSeconds = (performance.now() - factsStarted) / 1000;
const facts = portfolio.facts;

// ---- Tally ----
type FaultKind = AnswerBehaviour | string;
const KINDS: FaultKind[] = ['grounded', 'hallucination', 'invalid-json', 'missing-sections'];
const matrix = new Map<FaultKind, { pass: number; fail: number }>();
const byType = new Map<string, { pass: number; fail: number }>();
const mistakes: string[] = [];
const evaluationMs: number[] = [];
const record = (building: BuildingFacts, type: AnalysisType, kind: FaultKind, label: string, result: GateResult, ms: number): void => {
  evaluationMs.push(ms);
  const cell = matrix.get(kind) ?? { pass: 0, fail: 0 };
  cell[result.pass ? 'pass' : 'fail'] += 1;
  matrix.set(kind, cell);
  const typeCell = byType.get(`${type} ${kind}`) ?? { pass: 0, fail: 0 };
  typeCell[result.pass ? 'pass' : 'fail'] += 1;
  byType.set(`${type} ${kind}`, typeCell);
  const wrong = kind === 'grounded' ? !result.pass : result.pass;
  if (wrong && mistakes.length < 10) {
    const issues = Object.entries(result.checks).flatMap(([name, check]) => check.issues.map((issue) => `${name}: ${issue}`));
    mistakes.push(`${building.building.buildingId} ${type} ${label} score=${result.score} ${issues.slice(0, 3).join(' | ') || '(no issues)'}`);
  }
};
const evaluate = (text: string, building: BuildingFacts, type: AnalysisType): { result: GateResult; ms: number } => {
  const started = performance.now();
  const result = evaluateAnswer(text, building, type);
  return { result, ms: performance.now() - started };
};

// ---- Runs ----
let header: string;
const extra: string[] = [];
if (!throughEmulator) {
  const behaviours: AnswerBehaviour[] = ['grounded', 'hallucination', 'invalid-json', 'missing-sections'];
  const random = createRandom(seed);
  for (const building of facts) {
    for (const type of ANALYSIS_TYPES) {
      const prompt = buildPrompt(type, building);
      const text = `${prompt.system}\n\n${prompt.user}`;
      for (const behaviour of behaviours) {
        for (let sample = 0; sample < samples; sample += 1) {
          const answer = synthesizeAnswer(text, behaviour, random);
          if (!answer) throw new Error(`no answer for ${building.building.buildingId} ${type}`);
          const { result, ms } = evaluate(answer.text, building, type);
          record(building, type, behaviour, answer.label, result, ms);
        }
      }
    }
  }
  header = `mode: direct synthesizeAnswer, ${samples} samples per building × type × behaviour`;
} else {
  const emulator = await startEmulator({
    seed,
    timeScale: 0,
    defaultModel: withBehaviour(PRESETS.instant, { answers: rates }),
    answerSynthesizer: synthesizeAnswer,
    logBodies: false,
    maxLogEntries: facts.length * ANALYSIS_TYPES.length * requestsPerPair + 100,
  });
  const adapter = createAdapter({ id: 'bench-emulator', provider: 'ollama', kind: 'ollama', baseUrl: emulator.url, local: true });
  const model = 'qwen2.5:7b-instruct';
  const jobs = facts.flatMap((building) =>
    ANALYSIS_TYPES.flatMap((type) => Array.from({ length: requestsPerPair }, (_, index) => ({ building, type, attemptId: `${building.building.buildingId}-${type}-${index}` }))),
  );
  const answers = new Map<string, { text: string; finish: string; latencyMs: number }>();
  const roundTrips: number[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const prompt = buildPrompt(job.type, job.building);
      const result = await adapter.chat({
        model,
        system: prompt.system,
        messages: [{ role: 'user', content: prompt.user }],
        maxTokens: prompt.maxTokens,
        temperature: 0.2,
        responseFormat: { type: 'json', schema: prompt.jsonSchema, name: 'analysis' },
        timeoutMs: 30_000,
        attemptId: job.attemptId,
      });
      roundTrips.push(result.latencyMs);
      answers.set(job.attemptId, { text: result.text, finish: result.finishReason.unified, latencyMs: result.latencyMs });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallSeconds = (performance.now() - started) / 1000;
  const log = new Map<string, RequestLogEntry>();
  for (const entry of emulator.log()) if (entry.attemptId && entry.operation === 'chat') log.set(entry.attemptId, entry);
  await emulator.close();
  let truncated = 0;
  let unlabelled = 0;
  for (const job of jobs) {
    const entry = log.get(job.attemptId);
    const answer = answers.get(job.attemptId)!;
    if (!entry || entry.answerLabel === undefined) {
      unlabelled += 1;
      continue;
    }
    // The behaviour the emulator injected (`answer:<behaviour>`); none means grounded.
    const injected = entry.injected.find((label) => label.startsWith('answer:'))?.slice('answer:'.length) ?? 'grounded';
    if (!entry.answerLabel.startsWith(injected)) throw new Error(`${job.attemptId}: label ${entry.answerLabel} disagrees with injected ${entry.injected.join(',')}`);
    if (answer.finish === 'length') truncated += 1;
    const { result, ms } = evaluate(answer.text, job.building, job.type);
    record(job.building, job.type, injected, entry.answerLabel, result, ms);
  }
  header = `mode: through the emulator (Ollama adapter → startEmulator with synthesizeAnswer), ${requestsPerPair} requests per building × type, rates ${JSON.stringify(rates)}, concurrency ${concurrency}`;
  const sortedTrips = [...roundTrips].sort((left, right) => left - right);
  extra.push(`requests:                  ${jobs.length} in ${wallSeconds.toFixed(1)} s; round trip median ${sortedTrips[Math.floor(sortedTrips.length / 2)].toFixed(2)} ms`);
  extra.push(`answers cut at max tokens: ${truncated}; without a label in the log: ${unlabelled}`);
}

// ---- Report ----
const pad = (text: string | number, width: number) => String(text).padEnd(width);
const evaluations = evaluationMs.length;
const meters = facts.reduce((count, building) => count + building.meters.length, 0);
console.log(`quality gate: ${facts.length} buildings (${meters} meters) × ${ANALYSIS_TYPES.length} analysis types = ${evaluations} answers`);
console.log(`facts: computePortfolioFacts ${facts[0]?.factsVersion} in ${factsSeconds.toFixed(1)} s, ${portfolio.issues.length} input issues`);
console.log(`${header}\n`);
console.log(`${pad('fault kind', 18)}${pad('gate pass', 11)}${pad('gate fail', 11)}`);
for (const kind of [...KINDS, ...[...matrix.keys()].filter((kind) => !KINDS.includes(kind))]) {
  const cell = matrix.get(kind) ?? { pass: 0, fail: 0 };
  console.log(`${pad(kind, 18)}${pad(cell.pass, 11)}${pad(cell.fail, 11)}`);
}
console.log('\nper analysis type (pass/fail):');
for (const [key, cell] of [...byType].sort(([left], [right]) => left.localeCompare(right))) console.log(`  ${pad(key, 40)}${cell.pass}/${cell.fail}`);
const share = (kind: FaultKind, side: 'pass' | 'fail') => {
  const cell = matrix.get(kind) ?? { pass: 0, fail: 0 };
  return cell[side] / Math.max(1, cell.pass + cell.fail);
};
const recall = share('hallucination', 'fail');
const falseFail = share('grounded', 'fail');
const sorted = [...evaluationMs].sort((left, right) => left - right);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
console.log(`\nhallucination recall:      ${recall.toFixed(4)} (target ≥ 0.95) ${recall >= 0.95 ? 'OK' : 'MISSED'}`);
console.log(`grounded false-fail rate:  ${falseFail.toFixed(4)} (target ≤ 0.02) ${falseFail <= 0.02 ? 'OK' : 'MISSED'}`);
console.log(`invalid-json caught:       ${share('invalid-json', 'fail').toFixed(4)}; missing-sections caught: ${share('missing-sections', 'fail').toFixed(4)}`);
console.log(
  `time per evaluation:       median ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms, mean ${(evaluationMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, evaluations)).toFixed(3)} ms (${evaluations} evaluations)`,
);
for (const line of extra) console.log(line);
if (mistakes.length > 0) console.log(`\nfirst misclassified answers:\n  ${mistakes.join('\n  ')}`);
