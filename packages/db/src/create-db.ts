import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema';

export type Drizzle = NodePgDatabase<typeof schema>;

/** A pool and its drizzle handle; `close()` ends the pool only when this module made it. */
export interface Database {
  db: Drizzle;
  pool: pg.Pool;
  close(): Promise<void>;
}

export const createDb = (urlOrPool: string | pg.Pool, options: { max?: number } = {}): Database => {
  const owned = typeof urlOrPool === 'string';
  const pool = owned ? new pg.Pool({ connectionString: urlOrPool, max: options.max ?? 10 }) : urlOrPool;
  // An idle client dropping (server restart) must not crash the process; nor may a client that is
  // checked out (a transaction, a lock holder) between queries when its socket resets: pg emits
  // 'error' on such a client, and with no listener Node ends the process. The query in flight
  // still rejects, so the caller sees the failure and the store gate backs off.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return {
    db: drizzle({ client: pool, schema, casing: 'snake_case' }),
    pool,
    close: async () => {
      if (owned) await pool.end();
    },
  };
};
