import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import type { Database } from './create-db';

/** The committed SQL migrations (`migrations/` at the repository root). */
export const resolveMigrationsFolder = (): string => fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface MigrateOptions {
  /** @defaultValue {@link resolveMigrationsFolder}() */
  migrationsFolder?: string;
  /**
   * Whether TimescaleDB can be used. Tests inject it (TimescaleDB is not installable on
   * every machine: Debian ships no package for it).
   * @defaultValue asks `pg_available_extensions` for `timescaledb`
   */
  timescaleAvailable?: (database: Database) => Promise<boolean>;
  /**
   * Statements run after `attempts` became a hypertable, e.g. the cost report's continuous
   * aggregate (`TIMESCALE_CONTINUOUS_AGGREGATE_SQL` of `@eaio/spend`). Must be idempotent.
   * @defaultValue []
   */
  timescaleStatements?: string[];
}

export interface MigrateResult {
  /** TimescaleDB was available and is now installed in this database. */
  timescale: boolean;
  /** `attempts` is a hypertable. */
  hypertable: boolean;
}

/** The TimescaleDB step failed after the extension was reported available. */
export class TimescaleSetupError extends Error {
  private readonly marker = 'eaio.db.TimescaleSetupError';
  constructor(
    readonly statement: string,
    options: { cause: unknown },
  ) {
    super(`TimescaleDB setup failed at "${statement}": ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'TimescaleSetupError';
  }
  static isInstance(error: unknown): error is TimescaleSetupError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'eaio.db.TimescaleSetupError';
  }
}

const timescaleInstalled = async (client: pg.PoolClient): Promise<boolean> => {
  const result = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  return (result.rowCount ?? 0) > 0;
};

/**
 * SQL that turns `attempts` into a hypertable partitioned by `started_at` (7-day chunks).
 * Its key (attempt_id, started_at) holds the time column, as a hypertable requires; the
 * id alone stays unique through the plain table `attempt_keys`. The classic
 * `create_hypertable(table, column, …)` form works on every TimescaleDB 2.x.
 */
export const TIMESCALE_SQL = [
  'CREATE EXTENSION IF NOT EXISTS timescaledb',
  "SELECT create_hypertable('attempts', 'started_at', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE, migrate_data => TRUE)",
];

const run = async (client: pg.PoolClient, statement: string): Promise<void> => {
  try {
    await client.query(statement);
  } catch (cause) {
    throw new TimescaleSetupError(statement, { cause });
  }
};

/**
 * Applies the committed migrations (drizzle's migrator records what ran in
 * `drizzle.__drizzle_migrations`), then, when the `timescaledb` extension is available,
 * installs it and makes `attempts` a hypertable. On plain PostgreSQL everything works
 * without it. Serialised by an advisory lock, so processes starting at once migrate once.
 * @throws TimescaleSetupError when the extension is available but its setup fails.
 */
export const migrate = async (database: Database, options: MigrateOptions = {}): Promise<MigrateResult> => {
  const client = await database.pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('eaio-migrate'))");
    // On the locked connection itself: a pool of one connection cannot deadlock.
    await drizzleMigrate(drizzle({ client, casing: 'snake_case' }), { migrationsFolder: options.migrationsFolder ?? resolveMigrationsFolder() });
    const timescale = options.timescaleAvailable ? await options.timescaleAvailable(database) : await timescaleInstalled(client);
    if (!timescale) return { timescale: false, hypertable: false };
    for (const statement of [...TIMESCALE_SQL, ...(options.timescaleStatements ?? [])]) await run(client, statement);
    return { timescale: true, hypertable: true };
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('eaio-migrate'))").catch(() => undefined);
    client.release();
  }
};
