import { fileURLToPath } from 'node:url';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './create-db';

/** The committed SQL migrations (`migrations/` at the repository root). */
export const resolveMigrationsFolder = (): string => fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface MigrateOptions {
  migrationsFolder?: string;
  /**
   * Whether TimescaleDB can be used; by default asks `pg_available_extensions`.
   * Injected by tests (TimescaleDB is not installable on every machine).
   */
  timescaleAvailable?: (database: Database) => Promise<boolean>;
}

export interface MigrateResult {
  timescale: boolean;
  hypertable: boolean;
}

const timescaleInstalled = async (database: Database): Promise<boolean> => {
  const result = await database.pool.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  return (result.rowCount ?? 0) > 0;
};

/** SQL that turns `attempts` into a hypertable; run only where TimescaleDB is available. */
export const TIMESCALE_SQL = [
  'CREATE EXTENSION IF NOT EXISTS timescaledb',
  "SELECT create_hypertable('attempts', by_range('started_at', INTERVAL '7 days'), if_not_exists => TRUE, migrate_data => TRUE)",
];

/**
 * Applies the committed migrations (drizzle's migrator keeps track of what ran), then,
 * when the `timescaledb` extension is available, makes `attempts` a hypertable. On
 * plain PostgreSQL everything works without it. Serialised by an advisory lock, so
 * several processes starting at once migrate once.
 */
export const migrate = async (database: Database, options: MigrateOptions = {}): Promise<MigrateResult> => {
  const client = await database.pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('eaio-migrate'))");
    await drizzleMigrate(database.db, { migrationsFolder: options.migrationsFolder ?? resolveMigrationsFolder() });
    const timescale = await (options.timescaleAvailable ?? timescaleInstalled)(database);
    if (!timescale) return { timescale: false, hypertable: false };
    for (const statement of TIMESCALE_SQL) await client.query(statement);
    return { timescale: true, hypertable: true };
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('eaio-migrate'))").catch(() => undefined);
    client.release();
  }
};
