/**
 * Scores an external labelled corpus with the quality gate (the `--corpus` mode of
 * `bench/quality-gate.ts`). Facts come from the given meter files, computed the production
 * way; each answer is checked against the prompt data of its building and analysis type.
 * Prints recall (bad failed ÷ bad) and false-fail rate (good failed ÷ good), overall and
 * by defect, style and analysis type, and the gate's time per answer (median, p99).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { ANALYSIS_TYPES, type AnalysisType } from '@eaio/core';
import { evaluateAnswer, promptData, type GateResult, type PromptData } from '@eaio/energy';
import { meterSpecs, portfolioFromFiles } from './corpus-facts';

export interface CorpusOptions {
  corpus: string;
  meters: string[];
  metadata: string;
  weather?: string;
  /** Write every misjudged answer with its verdict to this file (JSONL). */
  misses?: string;
  /** Answers judged once, untimed, before the timed pass (V8 warm-up). @defaultValue 200 */
  warmup?: number;
}

interface Tally {
  good: number;
  goodFailed: number;
  bad: number;
  badFailed: number;
  other: number;
}
const emptyTally = (): Tally => ({ good: 0, goodFailed: 0, bad: 0, badFailed: 0, other: 0 });

const percentile = (sorted: number[], share: number): number => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;

export const scoreCorpus = async (options: CorpusOptions): Promise<void> => {
  const portfolio = await portfolioFromFiles(meterSpecs(options.meters), options.metadata, options.weather);
  const data = new Map<string, PromptData>();
  for (const facts of portfolio.facts) data.set(facts.building.buildingId, promptData(facts));
  const overall = emptyTally();
  const groups = { defect: new Map<string, Tally>(), style: new Map<string, Tally>(), type: new Map<string, Tally>() };
  const times: number[] = [];
  // CPU time of this thread per answer: on a machine shared with other work, wall time measures the neighbours too.
  const cpuTimes: number[] = [];
  const misses: string[] = [];
  let skipped = 0;
  let line = 0;
  // Warm-up: the first answers judged once untimed, so the medians measure the gate, not the JIT.
  let warm = options.warmup ?? 200;
  for await (const raw of createInterface({ input: createReadStream(options.corpus), crlfDelay: Infinity })) {
    if (warm <= 0) break;
    if (raw.trim() === '') continue;
    const entry = JSON.parse(raw) as { buildingId: string; type: string; text: string };
    const building = data.get(entry.buildingId);
    if (!building || !ANALYSIS_TYPES.includes(entry.type as AnalysisType)) continue;
    evaluateAnswer(entry.text, building, entry.type as AnalysisType);
    warm -= 1;
  }
  const lines = createInterface({ input: createReadStream(options.corpus), crlfDelay: Infinity });
  for await (const raw of lines) {
    line += 1;
    if (raw.trim() === '') continue;
    const entry = JSON.parse(raw) as { buildingId: string; type: string; label: string; text: string; style?: string; defect?: string };
    const building = data.get(entry.buildingId);
    if (!building || !ANALYSIS_TYPES.includes(entry.type as AnalysisType)) {
      skipped += 1;
      if (skipped <= 3) console.error(`${options.corpus}:${line}: no facts for building ${entry.buildingId} or unknown type ${entry.type}; skipped`);
      continue;
    }
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const verdict: GateResult = evaluateAnswer(entry.text, building, entry.type as AnalysisType);
    const cpu = process.cpuUsage(cpuStarted);
    times.push(performance.now() - started);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    const tallies = [
      overall,
      bucket(groups.defect, entry.label === 'good' ? 'none (good)' : (entry.defect ?? '(none given)')),
      bucket(groups.style, entry.style ?? '(none given)'),
      bucket(groups.type, entry.type),
    ];
    for (const tally of tallies) {
      if (entry.label === 'good') {
        tally.good += 1;
        if (!verdict.pass) tally.goodFailed += 1;
      } else if (entry.label === 'bad') {
        tally.bad += 1;
        if (!verdict.pass) tally.badFailed += 1;
      } else tally.other += 1;
    }
    const wrong = (entry.label === 'good' && !verdict.pass) || (entry.label === 'bad' && verdict.pass);
    if (wrong && options.misses) {
      const findings = Object.entries(verdict.checks).flatMap(([name, check]) => check.issues.map((issue) => `${name}: ${issue}`));
      misses.push(
        JSON.stringify({
          line,
          buildingId: entry.buildingId,
          type: entry.type,
          label: entry.label,
          style: entry.style,
          defect: entry.defect,
          score: verdict.score,
          findings,
          text: entry.text,
        }),
      );
    }
  }
  const rate = (numerator: number, denominator: number): string => (denominator === 0 ? '   -  ' : (numerator / denominator).toFixed(3).padStart(6));
  const row = (name: string, tally: Tally) =>
    `${name.padEnd(34)} ${String(tally.good).padStart(6)} ${rate(tally.goodFailed, tally.good)} ${String(tally.bad).padStart(6)} ${rate(tally.badFailed, tally.bad)}${tally.other ? `   other ${tally.other}` : ''}`;
  const header = `${''.padEnd(34)} ${'good'.padStart(6)} ${'false'.padStart(6)} ${'bad'.padStart(6)} ${'recall'.padStart(6)}`;
  console.log(`corpus ${options.corpus}: ${overall.good + overall.bad + overall.other} answers scored, ${skipped} skipped`);
  console.log(header);
  console.log(row('overall', overall));
  for (const [title, group] of Object.entries(groups)) {
    console.log(`\nby ${title}`);
    for (const [name, tally] of [...group.entries()].sort(([left], [right]) => left.localeCompare(right))) console.log(row(name, tally));
  }
  const sorted = [...times].sort((left, right) => left - right);
  const cpuSorted = [...cpuTimes].sort((left, right) => left - right);
  console.log(
    `\ngate time per answer: median ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${percentile(sorted, 0.99).toFixed(3)} ms (n=${sorted.length}); CPU time median ${percentile(cpuSorted, 0.5).toFixed(3)} ms, p99 ${percentile(cpuSorted, 0.99).toFixed(3)} ms`,
  );
  console.log(`recall ${rate(overall.badFailed, overall.bad).trim()} (goal >= 0.95), false fails ${rate(overall.goodFailed, overall.good).trim()} (goal <= 0.03)`);
  if (options.misses) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(options.misses, misses.join('\n') + (misses.length ? '\n' : ''));
    console.log(`${misses.length} misjudged answers written to ${options.misses}`);
  }
};

const bucket = (group: Map<string, Tally>, key: string): Tally => {
  let tally = group.get(key);
  if (!tally) {
    tally = emptyTally();
    group.set(key, tally);
  }
  return tally;
};
