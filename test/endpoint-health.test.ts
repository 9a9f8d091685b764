import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/** Two Ollama hosts, one down: the workers skip it (health check) and every job still runs on the other. */
describe('a local inference host that is down', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', localHosts: 2 });
    await pipeline.rehearsal.emulator.stopHost('ollama-2');
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  it('is skipped; its jobs run on the healthy host', async () => {
    const jsonl = join(pipeline.dir, 'prompts.jsonl');
    await writeFile(
      jsonl,
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `h${i}`, prompt: `Classify reading ${i}.`, privacy: 'PRIVATE', taskType: 'classification' })).join('\n'),
    );
    const { batchId } = await runSubmit(pipeline.runtime, { jsonl, tenant: 'health', progress: false }, quiet);
    const workers = await composeWorkers(pipeline.runtime, { tiers: ['local-fast', 'local-quality'], idlePollMs: 5 });
    try {
      await waitFor(
        async () => {
          const { rows } = await pipeline.runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state = 'succeeded'", [batchId]);
          return rows[0].n === 10;
        },
        30_000,
        'all jobs to succeed on the healthy host',
      );
    } finally {
      await workers.close();
    }
    const attempts = await pipeline.runtime.database.pool.query('SELECT endpoint, outcome FROM attempts WHERE batch_id = $1', [batchId]);
    expect(attempts.rows.every((row) => row.endpoint === 'ollama-1' && row.outcome === 'passed')).toBe(true);
    expect(
      pipeline.rehearsal.emulator
        .log()
        .filter((entry) => entry.operation === 'chat')
        .every((entry) => entry.host === 'ollama-1'),
    ).toBe(true);
  }, 60_000);
});
