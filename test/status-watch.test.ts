import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, insertJobs, migrate, upsertBatch, type Database } from '@eaio/db';
import { runStatus, runWatch, span } from '../apps/producer/src/commands/status-command';
import type { Runtime } from '../apps/producer/src/runtime';
import { freshDatabase } from './support/fresh-database';

/**
 * `eaio status` counts jobs that ended without a result and calls still in flight;
 * `eaio watch` redraws one table in place on a terminal (with a progress bar and an ETA)
 * and prints plain lines elsewhere.
 */
const sink = (tty: boolean, columns = 200) => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = columns;
  }
  return { stream, chunks };
};

describe('status and watch', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;
  let runtime: Runtime;
  const batch = 'b_watch';
  const ids = ['w1', 'w2', 'w3', 'w4', 'w5'];

  beforeAll(async () => {
    fresh = await freshDatabase('watch');
    database = createDb(fresh.url);
    await migrate(database);
    await upsertBatch(database, { id: batch, tenant: 't', name: 'watch', source: {} });
    await insertJobs(
      database,
      ids.map((id) => ({
        id,
        batchId: batch,
        tenant: 't',
        kind: 'building' as const,
        buildingId: id,
        taskType: 'building-diagnostic',
        privacy: 'PRIVATE',
        complexity: 0.3,
        startTier: 'local-fast',
        chain: ['local-fast'],
        routeReason: 'test',
        payload: {},
        currentTier: 'local-fast',
      })),
    );
    const attempt = (id: string, jobId: string, outcome: string) =>
      database.pool.query(
        `INSERT INTO attempts (attempt_id, started_at, job_id, batch_id, tenant, tier, provider, endpoint, model, outcome) VALUES ($1, now(), $2, $3, 't', 'local-fast', 'ollama', 'ollama-1', 'm', $4)`,
        [id, jobId, batch, outcome],
      );
    await attempt('w1#1', 'w1', 'passed');
    await attempt('w2#1', 'w2', 'error');
    await attempt('w3#1', 'w3', 'failed-gate');
    await attempt('w4#1', 'w4', 'started');
    await database.pool.query("UPDATE jobs SET state = 'succeeded' WHERE id = 'w1'");
    await database.pool.query("UPDATE jobs SET state = 'failed' WHERE id = 'w2'");
    await database.pool.query("UPDATE jobs SET state = 'review' WHERE id = 'w3'");
    runtime = { database } as unknown as Runtime;
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('status counts jobs without a result, errors against the pass rate, and calls in flight', async () => {
    const out = sink(false);
    await runStatus(runtime, batch, out.stream);
    const text = out.chunks.join('');
    expect(text).toContain('without a result: 2 of 5 jobs (review 1, failed 1, rejected 0)');
    const row = text
      .split('\n')
      .find((line) => line.startsWith('local-fast'))!
      .trim()
      .split(/\s+/);
    // tier queued active succeeded review failed rejected calls passed failed-gate errors in-flight pass spend
    expect(row.slice(0, 13)).toEqual(['local-fast', '2', '0', '1', '1', '1', '0', '4', '1', '1', '1', '1', '33%']);
  });

  it('status shows, per provider, api calls parked in provider batches: waiting, submitted, the oldest one and the nearest deadline', async () => {
    const parkedBatch = 'b_parked';
    await upsertBatch(database, { id: parkedBatch, tenant: 't', name: 'parked', source: {} });
    const item = (id: string, batchId: string, provider: string, status: string, parkedAgo: string, deadline: string) =>
      database.pool.query(
        `INSERT INTO provider_batch_items (attempt_id, job_id, batch_id, queue_job_id, tier, provider, endpoint, model, request, deadline, status, created_at)
         VALUES ($1, $1, $2, $1, 'api', $3, $3, 'm', '{}', $6::timestamptz, $4, now() - $5::interval)`,
        [id, batchId, provider, status, parkedAgo, deadline],
      );
    await item('p1', parkedBatch, 'openai', 'queued', '10 minutes', '2030-01-02T00:00:00Z');
    await item('p2', parkedBatch, 'openai', 'queued', '5 minutes', '2030-01-01T12:00:00Z');
    await item('p3', parkedBatch, 'openai', 'submitting', '1 minute', '2030-01-03T00:00:00Z');
    await item('p4', parkedBatch, 'openai', 'submitted', '3 hours', '2030-01-02T00:00:00Z');
    await item('p5', parkedBatch, 'anthropic', 'submitted', '1 minute', '2030-01-05T00:00:00Z');
    // Ended items are no longer parked; another batch's parked call shows only in the listing.
    await item('p6', parkedBatch, 'openai', 'done', '5 hours', '2029-01-01T00:00:00Z');
    await item('p7', parkedBatch, 'openai', 'fallback', '5 hours', '2029-01-01T00:00:00Z');
    await item('p8', parkedBatch, 'anthropic', 'cancelled', '5 hours', '2029-01-01T00:00:00Z');
    await item('o1', 'b_other', 'openai', 'queued', '1 minute', '2029-06-01T00:00:00Z');

    const out = sink(false);
    const status = await runStatus(runtime, parkedBatch, out.stream);
    expect(status?.parked.map(({ provider, waiting, submitted, nearestDeadline }) => ({ provider, waiting, submitted, nearest: nearestDeadline.toISOString() }))).toEqual([
      { provider: 'anthropic', waiting: 0, submitted: 1, nearest: '2030-01-05T00:00:00.000Z' },
      { provider: 'openai', waiting: 2, submitted: 2, nearest: '2030-01-01T12:00:00.000Z' },
    ]);
    expect(status?.parked[1]?.oldestAgeSec).toBeGreaterThanOrEqual(3 * 3600);
    const lines = out.chunks.join('').split('\n');
    const at = lines.findIndex((line) => line.startsWith('api calls parked in provider batches'));
    expect(at).toBeGreaterThan(0);
    const row = (provider: string) =>
      lines
        .slice(at)
        .find((line) => line.startsWith(provider))!
        .trim()
        .split(/\s+/);
    // provider waiting submitted oldest (two words from an hour on) nearest-deadline
    expect([...row('openai').slice(0, 3), row('openai').at(-1)]).toEqual(['openai', '2', '2', '2030-01-01T12:00:00.000Z']);
    expect(row('openai')[3]).toMatch(/^3h$/);
    expect([...row('anthropic').slice(0, 3), row('anthropic').at(-1)]).toEqual(['anthropic', '0', '1', '2030-01-05T00:00:00.000Z']);

    // --json: the same object (as the HTTP status endpoint answers it).
    const json = sink(false);
    await runStatus(runtime, parkedBatch, json.stream, { json: true });
    const parsed = JSON.parse(json.chunks.join(''));
    expect(parsed.batchId).toBe(parkedBatch);
    expect(parsed.parked.map((p: { provider: string; waiting: number; submitted: number }) => [p.provider, p.waiting, p.submitted])).toEqual([
      ['anthropic', 0, 1],
      ['openai', 2, 2],
    ]);

    // No batch: every batch's parked calls under the listing (text and JSON).
    const listing = sink(false);
    await runStatus(runtime, undefined, listing.stream);
    const listed = listing.chunks.join('').split('\n');
    expect(
      listed
        .find((line) => line.startsWith('openai'))
        ?.trim()
        .split(/\s+/)
        .slice(0, 3),
    ).toEqual(['openai', '3', '2']);
    expect(listed.find((line) => line.startsWith('openai'))).toContain('2029-06-01T00:00:00.000Z');
    const listingJson = sink(false);
    await runStatus(runtime, undefined, listingJson.stream, { json: true });
    const all = JSON.parse(listingJson.chunks.join(''));
    expect(all.batches.map((b: { id: string }) => b.id)).toContain(parkedBatch);
    expect(all.parked.map((p: { provider: string; waiting: number; submitted: number }) => [p.provider, p.waiting, p.submitted])).toEqual([
      ['anthropic', 0, 1],
      ['openai', 3, 2],
    ]);

    // A batch with nothing parked prints no parked lines.
    const plain = sink(false);
    const none = await runStatus(runtime, batch, plain.stream);
    expect(none?.parked).toEqual([]);
    expect(plain.chunks.join('')).not.toContain('parked in provider batches');
  });

  it('spans read as days, hours, minutes and seconds', () => {
    expect([span(0), span(42), span(429), span(7500), span(273_600)]).toEqual(['0s', '42s', '7m 09s', '2h 05m', '3d 04h']);
  });

  it('redraws one table in place on a terminal, with a progress bar and an ETA', async () => {
    const out = sink(true, 80);
    const stop = new AbortController();
    await database.pool.query('UPDATE batches SET job_count = 5 WHERE id = $1', [batch]);
    const watching = runWatch(runtime, batch, { intervalMs: 20, signal: stop.signal }, out.stream);
    const until = async (predicate: () => boolean) => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until(() => out.chunks.length >= 2);
    await database.pool.query("UPDATE jobs SET state = 'succeeded' WHERE id IN ('w4', 'w5')");
    await database.pool.query("UPDATE batches SET status = 'done' WHERE id = $1", [batch]);
    await until(() => out.chunks.some((chunk) => chunk.includes('5/5 jobs ended')));
    await watching;
    stop.abort();
    const [first, ...rest] = out.chunks;
    expect(first).not.toContain('\x1b[');
    expect(first).toMatch(/[\u2588\u2591]{30}\s+60% 3\/5 jobs ended {2}ETA –/);
    // Every later drawing moves back over exactly the rows the previous one took (80 columns: long lines wrap) and clears below.
    const rows = (chunk: string) =>
      chunk
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the watch view's ANSI cursor codes are what this strips
        .replace(/^\x1b\[\d+F\x1b\[0J/, '')
        .split('\n')
        .slice(0, -1)
        .reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 80)), 0);
    let previous = first;
    for (const chunk of rest) {
      expect(chunk.startsWith(`\x1b[${rows(previous)}F\x1b[0J`)).toBe(true);
      previous = chunk;
    }
    expect(out.chunks.join('')).not.toContain('\x1b[2J');
    expect(out.chunks.at(-1)).toContain('100% 5/5 jobs ended  done');
  });

  it('prints plain lines, only on change, when not a terminal', async () => {
    const out = sink(false);
    await runWatch(runtime, batch, { intervalMs: 10 }, out.stream);
    expect(out.chunks.join('')).not.toContain('\x1b[');
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]).toContain('5/5 jobs ended  done');
  });
});
