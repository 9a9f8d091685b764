import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A checked-out client whose connection the server ends (a restart, a proxy cut) emits
 * 'error' between queries; with no listener Node would end the process. The pool from
 * `createDb` listens, so the failure reaches only the next query on that client.
 */
describe('createDb', () => {
  const database = createDb(URL, { max: 2 });
  afterAll(() => database.close());

  it('survives the server ending a checked-out connection, and the pool still serves', async () => {
    const client = await database.pool.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // No listener of the test's own: without the pool's, the 'error' below would be unhandled.
    const other = await database.pool.connect();
    await other.query('select pg_terminate_backend($1)', [rows[0].pid]);
    other.release();
    for (let tries = 0; tries < 100; tries += 1) {
      const { rows: left } = await database.pool.query('select 1 from pg_stat_activity where pid = $1', [rows[0].pid]);
      if (left.length === 0) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    await new Promise((done) => setTimeout(done, 200));
    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);
    const { rows: after } = await database.pool.query<{ one: number }>('select 1 as one');
    expect(after[0].one).toBe(1);
  });
});
