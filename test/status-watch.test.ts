import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, insertJobs, migrate, upsertBatch, type Database } from '@eaio/db';
import { runStatus, runWatch } from '../apps/producer/src/commands/status-command';
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
