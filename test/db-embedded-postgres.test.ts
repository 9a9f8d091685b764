import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrate, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@eaio/db';
import { freePort } from './support/free-port';

describe('db: embedded PostgreSQL', () => {
  const root = mkdtempSync(join(tmpdir(), 'eaio-embedded-'));
  // The server runs as the `postgres` user, which must reach the data dir.
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  let running: EmbeddedPostgresHandle | undefined;

  afterAll(async () => {
    await running?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts, applies the migrations, stops, and reuses its data dir on the next start', async () => {
    const port = await freePort();
    running = await startEmbeddedPostgres({ dataDir, port, database: 'eaio_embedded' });
    expect(running.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/eaio_embedded`);
    const first = createDb(running.url);
    try {
      expect(await migrate(first)).toEqual({ timescale: false, hypertable: false });
      await first.pool.query("INSERT INTO batches (id, tenant, name, source) VALUES ('kept', 't', 'n', '{}')");
    } finally {
      await first.close();
    }
    await running.stop();
    running = undefined;
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

    running = await startEmbeddedPostgres({ dataDir, port, database: 'eaio_embedded' });
    const second = createDb(running.url);
    try {
      await migrate(second);
      const kept = await second.pool.query("SELECT id FROM batches WHERE id = 'kept'");
      expect(kept.rows).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
    await running.stop();
    running = undefined;
  }, 120_000);
});
