import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchStatus } from '@eaio/db';
import { createPriceCatalog, generateCostReport } from '@eaio/spend';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { formatStatus } from '../apps/producer/src/commands/status-command';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { waitFor, type TestPipeline } from './support/pipeline-harness';
import { openGroundedLocalPipeline } from './support/local-tier';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const LOCAL = ['local-fast', 'local-quality'] as const;
const prompt = (i: number) => `Classify meter reading ${i} of the boiler house as normal or odd, in one word.`;

interface Line {
  id: string;
  prompt: string;
  promptVersion?: string;
  json?: boolean;
}

/**
 * Issue 14, the response cache for JSONL prompt jobs: a prompt answered before (same prompt
 * text and JSON flag, task type and prompt version, on a tier of the new job's chain, same
 * tenant unless `routing.cache.acrossTenants`) is answered from the kept result without a
 * model call. Calls are counted in the emulator's request log (real SDKs, Redis, PostgreSQL).
 */
describe('response cache for JSONL prompt jobs', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await openGroundedLocalPipeline({ ttftMs: 0 });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const db = () => pipeline.runtime.database.pool;
  const chats = () => pipeline.rehearsal.emulator.log().filter((entry) => entry.operation === 'chat');
  const sent = (entry: { body?: unknown }) => JSON.stringify(entry.body ?? '');

  const run = async (file: string, tenant: string, lines: Line[]) => {
    const jsonl = join(pipeline.dir, `${file}.jsonl`);
    await writeFile(jsonl, lines.map((line) => JSON.stringify({ ...line, privacy: 'PRIVATE', taskType: 'classification' })).join('\n'));
    const before = chats().length;
    const submitted = await runSubmit(pipeline.runtime, { jsonl, tenant, progress: false }, quiet);
    const workers = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5 });
    try {
      await waitFor(async () => (await db().query('SELECT status FROM batches WHERE id = $1', [submitted.batchId])).rows[0]?.status === 'done', 60_000, `batch ${file} to finish`);
    } finally {
      await workers.close();
    }
    const jobs = (
      await db().query('SELECT j.source_id, j.state, r.cached_from, r.text FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.batch_id = $1 ORDER BY j.source_id', [
        submitted.batchId,
      ])
    ).rows as { source_id: string; state: string; cached_from: string | null; text: string }[];
    return { batchId: submitted.batchId, counts: submitted.counts, jobs, calls: chats().slice(before) };
  };

  it('a resubmitted batch calls no model for repeated prompts; a changed prompt, a new prompt version and another tenant do', async () => {
    const first = await run(
      'first',
      'acme',
      [0, 1, 2, 3].map((i) => ({ id: `a${i}`, prompt: prompt(i) })),
    );
    expect(first.jobs.map((job) => job.state)).toEqual(Array(4).fill('succeeded'));
    expect(first.calls.length).toBeGreaterThanOrEqual(4);

    // The same prompts under new ids in another file: b0–b2 repeat a0–a2, b3 is a changed prompt,
    // b4 repeats a3 with a prompt version, b5 repeats a3 asking for JSON.
    const second = await run('second', 'acme', [
      { id: 'b0', prompt: prompt(0) },
      { id: 'b1', prompt: prompt(1) },
      { id: 'b2', prompt: prompt(2) },
      { id: 'b3', prompt: `${prompt(3)} Changed.` },
      { id: 'b4', prompt: prompt(3), promptVersion: 'v2' },
      { id: 'b5', prompt: prompt(3), json: true },
    ]);
    expect(second.counts).toMatchObject({ created: 6, cacheHits: 3 });
    expect(second.jobs.map((job) => [job.source_id, job.state, job.cached_from !== null])).toEqual([
      ['b0', 'succeeded', true],
      ['b1', 'succeeded', true],
      ['b2', 'succeeded', true],
      ['b3', 'succeeded', false],
      ['b4', 'succeeded', false],
      ['b5', 'succeeded', false],
    ]);
    // No request carried a repeated prompt; the changed, versioned and JSON ones each reached a model.
    for (const i of [0, 1, 2]) expect(second.calls.filter((call) => sent(call).includes(prompt(i)))).toEqual([]);
    expect(second.calls.filter((call) => sent(call).includes('Changed.')).length).toBeGreaterThanOrEqual(1);
    expect(second.calls.filter((call) => sent(call).includes(prompt(3)) && !sent(call).includes('Changed.')).length).toBeGreaterThanOrEqual(2);
    const attempts = (await db().query('SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1', [second.batchId])).rows[0].n;
    expect(attempts).toBe(second.calls.length);
    // The kept answer is the earlier job's.
    const a0 = first.jobs.find((job) => job.source_id === 'a0')!;
    expect(second.jobs.find((job) => job.source_id === 'b0')!.text).toBe(a0.text);

    // The same file once more: every job is known and finished, nothing is called.
    const again = await run('second', 'acme', [
      { id: 'b0', prompt: prompt(0) },
      { id: 'b1', prompt: prompt(1) },
      { id: 'b2', prompt: prompt(2) },
      { id: 'b3', prompt: `${prompt(3)} Changed.` },
      { id: 'b4', prompt: prompt(3), promptVersion: 'v2' },
      { id: 'b5', prompt: prompt(3), json: true },
    ]);
    expect(again.batchId).toBe(second.batchId);
    expect(again.counts).toMatchObject({ created: 0, alreadyFinished: 6 });
    expect(again.calls).toEqual([]);

    // Counted as cache hits in status.
    const status = await batchStatus(pipeline.runtime.database, second.batchId);
    expect(status?.cacheHits.total).toBe(3);
    expect(formatStatus(status!)).toContain('cache hits: 3 jobs answered with a kept result, no call');

    // Another tenant: not shared (routing.cache.acrossTenants is false), every prompt is called.
    const other = await run(
      'other',
      'globex',
      [0, 1].map((i) => ({ id: `g${i}`, prompt: prompt(i) })),
    );
    expect(other.counts.cacheHits).toBe(0);
    expect(other.jobs.every((job) => job.state === 'succeeded' && job.cached_from === null)).toBe(true);
    for (const i of [0, 1]) expect(other.calls.filter((call) => sent(call).includes(prompt(i))).length).toBeGreaterThanOrEqual(1);

    // And in the cost report's cache lever: results with no call and no spend.
    const { report } = await generateCostReport({
      date: new Date().toISOString().slice(0, 10),
      timezone: 'UTC',
      db: db(),
      catalog: createPriceCatalog(),
      referenceModel: { provider: 'openai', model: 'gpt-4o-mini' },
      windowDays: 1,
    });
    expect(report.totals.levers.cache.results).toBe(3);
    expect(report.totals.levers.cache.costMicro).toBe(0);
  }, 180_000);
});
