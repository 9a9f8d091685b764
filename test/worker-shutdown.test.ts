import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { waitFor, type TestPipeline } from './support/pipeline-harness';
import { openGroundedLocalPipeline, spawnWorkerProcess } from './support/local-tier';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

const startWorkerProcess = (env: Record<string, string>): ChildProcess =>
  spawnWorkerProcess(env, ['--tier', 'local-fast,local-quality', '--no-reports'], ['ignore', 'ignore', 'pipe']);

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** SIGTERM lets in-flight jobs finish and leaves the rest queued; a second signal hands in-flight jobs back. */
describe('worker process shutdown', () => {
  let pipeline: TestPipeline;
  let batchId: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Every local answer takes about 1.5 s, so a signal lands while calls are in flight.
    pipeline = await openGroundedLocalPipeline({ ttftMs: 1500 });
    const jsonl = join(pipeline.dir, 'prompts.jsonl');
    await writeFile(
      jsonl,
      Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `p${i}`, prompt: `Classify reading ${i} as normal or odd.`, privacy: 'PRIVATE', taskType: 'classification' })).join(
        '\n',
      ),
    );
    batchId = (await runSubmit(pipeline.runtime, { jsonl, tenant: 'shutdown', progress: false }, quiet)).batchId;
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await pipeline?.close();
  });

  const inFlight = () => pipeline.rehearsal.emulator.stats().inFlightByHost['ollama-1'] ?? 0;
  const states = async () =>
    (await pipeline.runtime.database.pool.query('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batchId])).rows.reduce<Record<string, number>>(
      (all, row) => Object.assign(all, { [row.state]: row.n }),
      {},
    );

  it('first SIGTERM: in-flight jobs finish, queued jobs stay queued, exit 0', async () => {
    const child = startWorkerProcess(pipeline.env);
    children.push(child);
    await waitFor(async () => inFlight() === 2, 30_000, 'two local calls in flight');
    child.kill('SIGTERM');
    const code = await exited(child);
    expect(code).toBe(0);
    const after = await states();
    expect(after.succeeded).toBe(2);
    expect(after.queued).toBe(6);
    const attempts = await pipeline.runtime.database.pool.query('SELECT outcome FROM attempts WHERE batch_id = $1', [batchId]);
    expect(attempts.rows.map((row) => row.outcome)).toEqual(['passed', 'passed']);
    expect(await pipeline.runtime.queues['local-fast'].getWaitingCount()).toBe(6);
  }, 60_000);

  it('second signal: aborts in-flight calls and hands their jobs back, nothing lost', async () => {
    const child = startWorkerProcess(pipeline.env);
    children.push(child);
    await waitFor(async () => inFlight() === 2, 30_000, 'two local calls in flight');
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    await exited(child);
    const after = await states();
    expect((after.succeeded ?? 0) + (after.queued ?? 0) + (after.active ?? 0)).toBe(8);
    const queue = pipeline.runtime.queues['local-fast'];
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed');
    // Every job not yet succeeded is back in the queue (waiting or delayed for retry), none stuck active.
    expect(counts.active).toBe(0);
    expect(counts.waiting + counts.delayed).toBe(8 - (after.succeeded ?? 0));
    // A fresh worker finishes the rest.
    const last = startWorkerProcess(pipeline.env);
    children.push(last);
    await waitFor(async () => (await states()).succeeded === 8, 40_000, 'all jobs to succeed');
    last.kill('SIGTERM');
    expect(await exited(last)).toBe(0);
  }, 90_000);
});
