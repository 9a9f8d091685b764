import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeApp } from '../apps/producer/src/commands/serve-command';
import { openTestPipeline, type TestPipeline } from './support/pipeline-harness';

describe('HTTP intake (eaio serve)', () => {
  let pipeline: TestPipeline;
  let server: Server;
  let url: string;
  const token = 'intake-test-token-0123456789';

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh' });
    server = createIntakeApp(pipeline.runtime, token).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await pipeline?.close();
  });

  const post = (body: string, query = '') =>
    fetch(`${url}/v1/batches${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });

  it('answers 401 without the token', async () => {
    const response = await fetch(`${url}/v1/batches`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
  });

  it('accepts JSONL, reports bad lines by line number, enqueues the good ones, and is idempotent', async () => {
    const body = [
      JSON.stringify({ id: 'a', prompt: 'Summarise the meter readings.', privacy: 'PRIVATE', taskType: 'summarization' }),
      '{"id": "b", "prompt": ',
      JSON.stringify({ id: 'c', prompt: 'Is 12 kWh high?', privacy: 'SECRET' }),
      JSON.stringify({ id: 'd', prompt: 'Extract the building name.', taskType: 'extraction' }),
    ].join('\n');
    const first = await post(body, '?tenant=http');
    expect(first.status).toBe(202);
    const result = (await first.json()) as { batchId: string; counts: { created: number }; issues: { line: number; field?: string; file: string }[] };
    expect(result.counts.created).toBe(2);
    expect(result.issues.map((issue) => issue.line)).toEqual([2, 3]);
    expect(result.issues[1].field).toBe('privacy');
    expect(result.issues[0].file).toBe('request body');
    const again = (await (await post(body, '?tenant=http')).json()) as { batchId: string; counts: { created: number; alreadyKnown: number } };
    expect(again.batchId).toBe(result.batchId);
    expect(again.counts).toMatchObject({ created: 0, alreadyKnown: 2 });
    const status = await fetch(`${url}/v1/batches/${result.batchId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await status.json()) as { jobCount: number }).jobCount).toBe(2);
    expect(await pipeline.runtime.queues['local-fast'].getWaitingCount()).toBe(2);
  });

  it('?deadline=24h stores the batch with its deadline (api work may then go through provider batch endpoints)', async () => {
    const before = Date.now();
    const response = await post(JSON.stringify({ id: 'dl-1', prompt: 'Summarise the meter readings.', privacy: 'PUBLIC' }), '?tenant=http-deadline&deadline=24h');
    const after = Date.now();
    expect(response.status).toBe(202);
    const { batchId, counts } = (await response.json()) as { batchId: string; counts: { created: number } };
    expect(counts.created).toBe(1);
    const row = (await pipeline.runtime.database.pool.query<{ deadline: Date | null }>('SELECT deadline FROM batches WHERE id = $1', [batchId])).rows[0];
    expect(row.deadline).not.toBeNull();
    expect(row.deadline!.getTime()).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(row.deadline!.getTime()).toBeLessThanOrEqual(after + 24 * 3_600_000);
    // An ISO time is taken as given.
    const iso = await post(JSON.stringify({ id: 'dl-2', prompt: 'Is 12 kWh high?', privacy: 'PUBLIC' }), '?tenant=http-deadline-iso&deadline=2030-01-02T03:04:05Z');
    expect(iso.status).toBe(202);
    const isoBatch = ((await iso.json()) as { batchId: string }).batchId;
    const isoRow = (await pipeline.runtime.database.pool.query<{ deadline: Date }>('SELECT deadline FROM batches WHERE id = $1', [isoBatch])).rows[0];
    expect(isoRow.deadline.toISOString()).toBe('2030-01-02T03:04:05.000Z');
  });

  it('rejects an unreadable ?deadline= with 400 and a hint, storing nothing', async () => {
    const batchesBefore = (await pipeline.runtime.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM batches')).rows[0].n;
    const response = await post(JSON.stringify({ id: 'dl-bad', prompt: 'y' }), '?tenant=http-deadline-bad&deadline=tomorrowish');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; hint: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).toContain('deadline "tomorrowish"');
    expect(body.hint).toContain('?deadline=24h');
    expect((await pipeline.runtime.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM batches')).rows[0].n).toBe(batchesBefore);
  });

  it('rejects an unknown privacy level for the whole request with 400', async () => {
    const response = await post(JSON.stringify({ id: 'x', prompt: 'y' }), '?privacy=TOPSECRET');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('TOPSECRET');
  });
});
