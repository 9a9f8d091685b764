import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as a `postgres`
 * system user. That user must reach the binaries and the data dir: a checkout under a
 * directory only root can read (root's home, a `mktemp -d` folder, mode 700) stops it with
 * `spawn … initdb EACCES`. This module finds what it cannot reach and puts a copy of the
 * binaries, and the data, under `EMBEDDED_POSTGRES_HOME` instead.
 */

/** Where binaries and data go when the `postgres` user cannot reach the checkout. */
export const EMBEDDED_POSTGRES_HOME = '/var/lib/eaio/embedded-postgres';

export interface RunAs {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

const idOf = (flag: '-u' | '-g'): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());

/** The `postgres` user's ids, or `undefined` when there is no such user. */
export const postgresUserIds = (): RunAs | undefined => {
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    return undefined;
  }
};

/** The `postgres` user's ids, creating the user (and group) as `embedded-postgres` does when missing. */
export const ensurePostgresUser = (): RunAs => {
  const existing = postgresUserIds();
  if (existing) return existing;
  try {
    spawnSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`embedded PostgreSQL cannot run as root and no "postgres" user exists; creating one failed (${reason}): create it (useradd postgres) or set DATABASE_URL`);
  }
  return postgresUserIds()!;
};

/**
 * Whether `runAs` can traverse to `path` and execute/search it (`test -x`, run as that
 * user, so ACLs and groups count the way they will for the server). Without a user yet,
 * every directory on the way must be searchable by others.
 */
export const canReach = (path: string, runAs: RunAs | undefined): boolean => {
  if (runAs) return spawnSync('test', ['-x', path], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore', cwd: '/' }).status === 0;
  let current = resolve(path);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
};

const ensureReachableDir = (path: string): void => {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  // Every level we made, and the top one, readable and searchable by the postgres user.
  for (let current = path; current !== dirname(current) && current.startsWith(dirname(EMBEDDED_POSTGRES_HOME)); current = dirname(current)) {
    chmodSync(current, 0o755);
  }
};

/**
 * The binaries folder (`native/`, holding `bin/`, `lib/`, `share/`) the server should run
 * from: the package's own when `runAs` reaches it, else a copy under
 * `EMBEDDED_POSTGRES_HOME/<version>` (made once, then reused).
 */
export const reachableBinaries = (nativeDir: string, version: string, runAs: RunAs): { nativeDir: string; copied: boolean } => {
  if (canReach(join(nativeDir, 'bin', 'postgres'), runAs)) return { nativeDir, copied: false };
  const target = join(EMBEDDED_POSTGRES_HOME, `binaries-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    ensureReachableDir(EMBEDDED_POSTGRES_HOME);
    const staging = `${target}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    renameSync(staging, target);
  }
  if (!canReach(join(target, 'bin', 'postgres'), runAs)) {
    throw new Error(
      `embedded PostgreSQL runs as the "postgres" user, which can reach neither ${nativeDir} nor ${target}: move the checkout where that user can read it (e.g. /opt/eaio) or set DATABASE_URL`,
    );
  }
  return { nativeDir: target, copied: true };
};

/**
 * The data dir the server will use for `dataDir`: `dataDir` itself unless this process is
 * root and the `postgres` user cannot reach its parent, then a folder of its own under
 * `EMBEDDED_POSTGRES_HOME` keyed by `dataDir`'s absolute path (the same one every time, so
 * the cluster is reused and other eaio processes find the running server).
 */
export const embeddedDataDir = (dataDir: string): string => {
  const absolute = resolve(dataDir);
  if (!isRoot()) return absolute;
  // The data dir itself is handed to the postgres user; its parent must be reachable.
  if (canReach(dirname(absolute), postgresUserIds())) return absolute;
  return join(EMBEDDED_POSTGRES_HOME, `data-${createHash('sha256').update(absolute).digest('hex').slice(0, 12)}`);
};

/** Makes the data dir (mode 700, as initdb wants) and hands it to `runAs`; its parents must already be reachable. */
export const prepareDataDir = (dataDir: string, runAs: RunAs | undefined): void => {
  if (dataDir.startsWith(`${EMBEDDED_POSTGRES_HOME}/`)) ensureReachableDir(EMBEDDED_POSTGRES_HOME);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (runAs) execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dataDir], { stdio: 'ignore' });
};
