import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/free-port';

const ROOT = join(import.meta.dirname, '..');
const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = 'redis://127.0.0.1:6379';

/** A port nothing listens on (taken from the OS, then released). */
const closedPort = freePort;

const runCli = (env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/eaio.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, EAIO_NAMESPACE: 'eaio-test-down', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('CLI with Redis or PostgreSQL down: one line saying what to do, exit non-zero', () => {
  it('eaio status with Redis on a closed port', async () => {
    const port = await closedPort();
    const result = await runCli({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: POSTGRES }, ['status']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `eaio: Redis at 127.0.0.1:${port} is unreachable (ECONNREFUSED); start it (docker-compose up -d redis, or redis-server) or set REDIS_URL (unset = queues on PostgreSQL)`,
    ]);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('eaio status with PostgreSQL on a closed port (no password in the message)', async () => {
    const port = await closedPort();
    const result = await runCli({ REDIS_URL: REDIS, DATABASE_URL: `postgres://postgres:pw-not-shown@127.0.0.1:${port}/eaio` }, ['status']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `eaio: PostgreSQL at 127.0.0.1:${port} is unreachable (ECONNREFUSED); start it (docker-compose up -d timescaledb, or your PostgreSQL service) or set DATABASE_URL (unset = embedded PostgreSQL)`,
    ]);
    expect(result.stderr).not.toContain('pw-not-shown');
  }, 60_000);

  it('eaio workers and eaio submit with Redis on a closed port', async () => {
    const port = await closedPort();
    for (const args of [
      ['workers', '--tier', 'local-fast', '--no-reports'],
      ['submit', '--jsonl', 'missing.jsonl'],
    ]) {
      const result = await runCli({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: POSTGRES }, args);
      expect(result.code, args[0]).toBe(1);
      expect(lines(result.stderr), args[0]).toEqual([
        expect.stringMatching(new RegExp(`^eaio: Redis at 127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\); start it .* or set REDIS_URL`)),
      ]);
    }
  }, 90_000);
});
