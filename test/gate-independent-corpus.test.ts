import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_TYPES, type AnalysisType } from '@eaio/core';
import { buildPrompt, computePortfolioFacts, evaluateAnswer, generatePortfolio, type BuildingFacts } from '@eaio/energy';

/**
 * The gate on answers it did not write: `bench/gate-corpus/writer-a` was written by a helper
 * who read only the prompts and the answer schema, never the gate. Its generator runs here
 * as its own process on prompts built the production way from a generated portfolio, with
 * another seed than the corpus the gate was developed on, and labels every answer good or
 * bad. Bars: recall ≥ 0.95 and false fails ≤ 0.02 (0.975 and 0.003 when this was written;
 * `bench/quality-gate.ts --corpus` gives the breakdown by defect and style).
 */
const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

describe('quality gate on an independent writer\'s answers', () => {
  let dir: string;
  let facts: Map<string, BuildingFacts>;
  let corpus: { buildingId: string; type: AnalysisType; label: string; defect: string; text: string }[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eaio-gate-corpus-'));
    const portfolio = await generatePortfolio({ outDir: join(dir, 'portfolio'), seed: 8, buildings: 40, outageShare: 0.4, anomalyShare: 0.6 });
    const computed = await computePortfolioFacts({
      meters: [{ meter: 'electricity', source: portfolio.files.meter }], metadata: portfolio.files.metadata, weather: portfolio.files.weather,
    });
    facts = new Map(computed.facts.map((entry) => [entry.building.buildingId, entry]));
    const prompts = computed.facts.flatMap((entry) => ANALYSIS_TYPES.map((type) => {
      const prompt = buildPrompt(type, entry);
      return JSON.stringify({ buildingId: entry.building.buildingId, type, system: prompt.system, user: prompt.user });
    }));
    await writeFile(join(dir, 'prompts.jsonl'), `${prompts.join('\n')}\n`);
    await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/gate-corpus/writer-a/generate.ts'),
      '--prompts', join(dir, 'prompts.jsonl'), '--out', join(dir, 'corpus.jsonl'), '--seed', '5', '--per', '6'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    corpus = (await readFile(join(dir, 'corpus.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails the wrong answers and keeps the right ones', () => {
    const tally = { good: 0, goodFailed: 0, bad: 0, badFailed: 0 };
    const missed: string[] = [];
    for (const answer of corpus) {
      const building = facts.get(answer.buildingId);
      expect(building, `facts for ${answer.buildingId}`).toBeDefined();
      const verdict = evaluateAnswer(answer.text, building!, answer.type);
      if (answer.label === 'good') {
        tally.good += 1;
        if (!verdict.pass) tally.goodFailed += 1;
      } else {
        tally.bad += 1;
        if (verdict.pass) missed.push(`${answer.defect} ${answer.buildingId} ${answer.type}`);
        else tally.badFailed += 1;
      }
    }
    expect(tally.good).toBeGreaterThanOrEqual(300);
    expect(tally.bad).toBeGreaterThanOrEqual(300);
    expect(tally.badFailed / tally.bad, `missed: ${missed.slice(0, 10).join('; ')}`).toBeGreaterThanOrEqual(0.95);
    expect(tally.goodFailed / tally.good).toBeLessThanOrEqual(0.02);
  });
});
