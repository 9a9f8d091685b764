import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_POSTGRES_HOME } from '@eaio/db';
import { freePort } from './support/free-port';

const ROOT = join(import.meta.dirname, '..');
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;

/** Starts the embedded server from the checkout copy twice (the second start reuses the cluster). */
const SCRIPT = `
import { startEmbeddedPostgres } from '@eaio/db';
import pg from 'pg';
const port = Number(process.argv[2]);
const report = [];
for (const round of [1, 2]) {
  const server = await startEmbeddedPostgres({ dataDir: '.eaio/postgres', port, database: 'eaio_root' });
  const client = new pg.Client(server.url);
  await client.connect();
  if (round === 1) await client.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from round 1')");
  const rows = (await client.query('SELECT v FROM kept')).rows;
  await client.end();
  await server.stop();
  report.push({ dataDir: server.dataDir, binariesDir: server.binariesDir, rows });
}
process.stdout.write(JSON.stringify(report));
`;

/**
 * The checkout in a folder only root can enter (what \`mktemp -d\` makes, mode 700): the
 * embedded server runs as the postgres user, which cannot reach the checkout's binaries
 * nor its .eaio data dir. Runs a copy of the repository (node_modules hard-linked) there.
 */
describe.skipIf(!asRoot)('db: embedded PostgreSQL as root in a checkout only root can read', () => {
  const parent = mkdtempSync(join(tmpdir(), 'eaio-root-only-'));
  const checkout = join(parent, 'eaio');
  const relocated: string[] = [];
  afterAll(() => {
    rmSync(parent, { recursive: true, force: true });
    for (const dir of relocated) rmSync(dir, { recursive: true, force: true });
  });

  it('starts with its data and binaries where the postgres user can reach them, and reuses the cluster', async () => {
    expect(statSync(parent).mode & 0o777).toBe(0o700);
    for (const path of ['package.json', 'tsconfig.json', 'packages']) cpSync(join(ROOT, path), join(checkout, path), { recursive: true });
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(checkout, 'node_modules')]);
    writeFileSync(join(checkout, 'start-embedded.ts'), SCRIPT);
    const port = await freePort();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(join(checkout, 'node_modules', '.bin', 'tsx'), ['start-embedded.ts', String(port)], { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    const report = result.code === 0 ? (JSON.parse(result.stdout) as { dataDir: string; binariesDir?: string; rows: { v: string }[] }[]) : [];
    relocated.push(...report.map((round) => round.dataDir).filter((dir) => dir.startsWith(EMBEDDED_POSTGRES_HOME)));
    expect(result.stderr).not.toContain('EACCES');
    expect(result.code, result.stderr.slice(-2_000)).toBe(0);
    const [first, second] = report;
    expect(first.dataDir.startsWith(`${EMBEDDED_POSTGRES_HOME}/data-`)).toBe(true);
    expect(first.binariesDir?.startsWith(`${EMBEDDED_POSTGRES_HOME}/binaries-`)).toBe(true);
    expect(second.dataDir).toBe(first.dataDir);
    expect(second.rows).toEqual([{ v: 'from round 1' }]);
    expect(existsSync(join(first.dataDir, 'PG_VERSION'))).toBe(true);
    // The postgres user really reaches the new home, and really could not reach the checkout.
    const postgresCan = (path: string) => {
      try {
        execFileSync('su', ['-s', '/bin/sh', 'postgres', '-c', `test -x "${path}"`], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    expect(postgresCan(join(first.binariesDir!, 'bin', 'postgres'))).toBe(true);
    expect(postgresCan(join(checkout, 'node_modules'))).toBe(false);
  }, 240_000);
});
