import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { writeBadInputFixtures } from '@eaio/energy';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const ROOT = join(import.meta.dirname, '..');
const GROUNDED = { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } };

/**
 * One bad meter file per case, submitted as one batch (with a good companion file where
 * the bad file holds no valid building at all): the issue names the file, the line and
 * (for a bad value) the field; the valid buildings of that batch still get their jobs.
 */
interface BadCase {
  file: string;
  kind: string;
  line: number;
  field?: string;
  /** Also in the batch: a good file with b1 and b2. */
  companion?: boolean;
  buildings: string[];
}

const CASES: BadCase[] = [
  { file: 'wrong-header.csv', kind: 'wrong-header', line: 1, companion: true, buildings: ['b1', 'b2'] },
  { file: 'empty.csv', kind: 'empty-file', line: 1, companion: true, buildings: ['b1', 'b2'] },
  { file: 'non-numeric.csv', kind: 'non-numeric', line: 5, field: 'kwh', buildings: ['b1', 'b2'] },
  { file: 'negative.csv', kind: 'negative-reading', line: 5, field: 'kwh', buildings: ['b1', 'b2'] },
  // The reader names the value column of the second reading (the one it drops).
  { file: 'duplicate-timestamp.csv', kind: 'duplicate-timestamp', line: 5, field: 'kwh', buildings: ['b1', 'b2'] },
  // b99 is in the meter file but not in the metadata: reported, still analysed (without metadata).
  { file: 'unknown-building.csv', kind: 'unknown-building', line: 5, buildings: ['b1', 'b99'] },
  { file: 'truncated-last-line.csv', kind: 'truncated-line', line: 7, buildings: ['b1', 'b2'] },
];

const GOOD = 'building_id,timestamp,kwh\n' + ['b1', 'b2'].flatMap((id) => [0, 1, 2].map((hour) => `${id},2019-01-01T0${hour}:00:00Z,${10 + hour}.0\n`)).join('');

const runCli = (env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/eaio.mjs', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

describe('bad input: every problem named by file and line, valid buildings still processed', () => {
  let pipeline: TestPipeline;
  let fixtures: string;
  const batchIds: string[] = [];

  beforeAll(async () => {
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.01,
      models: (config) => ({
        [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, GROUNDED),
        [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, GROUNDED),
      }),
    });
    fixtures = join(pipeline.dir, 'bad');
    await writeBadInputFixtures(fixtures);
    await writeFile(join(fixtures, 'good.csv'), GOOD);
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  const jobsOf = async (batchId: string) =>
    (
      await pipeline.runtime.database.pool.query<{ id: string; state: string; building_id: string | null; source_id: string | null }>(
        'SELECT id, state, building_id, source_id FROM jobs WHERE batch_id = $1',
        [batchId],
      )
    ).rows;

  for (const badCase of CASES) {
    it(`${badCase.file}: ${badCase.kind} at line ${badCase.line}${badCase.field ? ` [${badCase.field}]` : ''}; ${badCase.buildings.join(', ')} enqueued`, async () => {
      const file = join(fixtures, badCase.file);
      const meter = badCase.companion ? [file, join(fixtures, 'good.csv')] : [file];
      // Its own tenant per case: jobs ids are per tenant, so b1's identical series makes a new job each time.
      const result = await runSubmit(
        pipeline.runtime,
        { meter, metadata: join(fixtures, 'metadata.csv'), analysis: 'data-quality-triage', tenant: `bad-${badCase.kind}`, progress: false, simulated: true },
        quiet,
      );
      batchIds.push(result.batchId);
      const issue = result.issues.find((candidate) => 'kind' in candidate && candidate.kind === badCase.kind);
      expect(issue, JSON.stringify(result.issues)).toBeDefined();
      expect(issue).toMatchObject({ file, line: badCase.line });
      if (badCase.field) expect(issue!.field).toBe(badCase.field);
      expect(issue!.message.length).toBeGreaterThan(0);
      expect(issue!.hint.length).toBeGreaterThan(0);
      // No issue without a line, except the per-building summaries (which name the building).
      for (const other of result.issues) if (other.line === 0) expect('buildingId' in other && other.buildingId).toBeTruthy();

      const jobs = await jobsOf(result.batchId);
      expect(jobs.map((job) => job.building_id).sort()).toEqual(badCase.buildings);
      expect(result.counts.created).toBe(badCase.buildings.length);
    });
  }

  it('JSONL: invalid JSON, a missing prompt and an unknown privacy are named by file:line (and field); the other lines go through', async () => {
    const jsonl = join(pipeline.dir, 'prompts.jsonl');
    await writeFile(
      jsonl,
      [
        JSON.stringify({ id: 'ok-1', prompt: 'Classify this reading as normal or odd: 12 kWh at 3 am.', privacy: 'PRIVATE', taskType: 'classification' }),
        '{"id":"broken","prompt":"unterminated',
        JSON.stringify({ id: 'no-prompt', privacy: 'PRIVATE', taskType: 'classification' }),
        JSON.stringify({ id: 'odd-privacy', prompt: 'Summarize the week.', privacy: 'SECRET', taskType: 'summarization' }),
        JSON.stringify({ id: 'ok-2', prompt: 'Summarize: the chiller ran all night.', privacy: 'PRIVATE', taskType: 'summarization' }),
      ].join('\n') + '\n',
    );
    const result = await runSubmit(pipeline.runtime, { jsonl, tenant: 'bad-jsonl', progress: false, simulated: true }, quiet);
    batchIds.push(result.batchId);
    expect(result.issues.map((issue) => [issue.file, issue.line, issue.field])).toEqual([
      [jsonl, 2, undefined],
      [jsonl, 3, 'prompt'],
      [jsonl, 4, 'privacy'],
    ]);
    expect(result.issues[0].message).toMatch(/not valid JSON/);
    const jobs = await jobsOf(result.batchId);
    expect(jobs.map((job) => job.source_id).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('the CLI prints file:line [field] on stderr and exits 0 when valid rows remain, 1 when nothing could be enqueued', async () => {
    const negative = join(fixtures, 'negative.csv');
    const metadata = join(fixtures, 'metadata.csv');
    const partial = await runCli(pipeline.env, [
      'submit',
      '--meter',
      negative,
      '--metadata',
      metadata,
      '--analysis',
      'data-quality-triage',
      '--tenant',
      'bad-cli',
      '--no-progress',
    ]);
    expect(partial.stderr).toContain(`input issue: ${negative}:5 [kwh]:`);
    expect(partial.stdout).toMatch(/2 new jobs/);
    expect(partial.stdout).toMatch(/input issue\(s\) reported above; valid rows were still processed/);
    expect(partial.code).toBe(0);
    batchIds.push(/batch (\S+):/.exec(partial.stdout)![1]);

    const wrongHeader = join(fixtures, 'wrong-header.csv');
    const none = await runCli(pipeline.env, ['submit', '--meter', wrongHeader, '--metadata', metadata, '--tenant', 'bad-cli', '--no-progress']);
    expect(none.stderr).toContain(`input issue: ${wrongHeader}:1:`);
    expect(none.stdout).toMatch(/0 new jobs/);
    expect(none.code).toBe(1);
  }, 40_000);

  it('with workers and the emulator, every enqueued job of those batches finishes', async () => {
    const { runtime } = pipeline;
    const expected = CASES.reduce((sum, badCase) => sum + badCase.buildings.length, 0) + 2 + 2;
    const { rows } = await runtime.database.pool.query('SELECT count(*)::int AS n FROM jobs WHERE batch_id = ANY($1)', [batchIds]);
    expect(rows[0].n).toBe(expected);
    const workers = await composeWorkers(runtime, { idlePollMs: 5 });
    try {
      await waitFor(
        async () => {
          const pending = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = ANY($1) AND state NOT IN ('succeeded', 'review')", [batchIds]);
          return pending.rows[0].n === 0;
        },
        40_000,
        'every job of the bad-input batches to finish',
      );
    } finally {
      await workers.close();
    }
    const states = await runtime.database.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = ANY($1) GROUP BY state', [
      batchIds,
    ]);
    console.log('bad-input batches, job states:', Object.fromEntries(states.rows.map((row) => [row.state, row.n])));
    const results = await runtime.database.pool.query('SELECT count(*)::int AS n FROM results WHERE batch_id = ANY($1)', [batchIds]);
    const succeeded = states.rows.find((row) => row.state === 'succeeded')?.n ?? 0;
    expect(results.rows[0].n).toBe(succeeded);
    expect(succeeded).toBeGreaterThan(0);
  }, 60_000);
});
