import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The server benchmarks make their throwaway databases on. */
export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement against `ADMIN_URL` on a connection of its own. */
export const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** Creates an empty database `<prefix>_<8 hex>` beside `ADMIN_URL`; drop it with `admin(\`DROP DATABASE …\`)`. */
export const createBenchDatabase = async (prefix: string): Promise<{ database: string; url: URL }> => {
  const database = `${prefix}_${randomUUID().slice(0, 8)}`;
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return { database, url };
};

/** What one bench run opened; `closeBenchRun` ends it in order (workers, queues, runtime, emulator, database). */
export interface BenchRun {
  workers?: { close(): Promise<void>; stopSweeper(): void };
  runtime?: { queues: { [tier: string]: { obliterate(options: { force: boolean }): Promise<void> } } | object; close(): Promise<void> };
  rehearsal: { close(): Promise<void> };
  database: string;
}

export const closeBenchRun = async ({ workers, runtime, rehearsal, database }: BenchRun): Promise<void> => {
  await workers?.close();
  workers?.stopSweeper();
  if (runtime) {
    for (const queue of Object.values(runtime.queues) as { obliterate(options: { force: boolean }): Promise<void> }[])
      await queue.obliterate({ force: true }).catch(() => undefined);
    await runtime.close();
  }
  await rehearsal.close();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
};
