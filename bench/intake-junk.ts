/**
 * HTTP intake under a junk body: time, response size and the intake process's peak RSS.
 *
 *   npx tsx bench/intake-junk.ts [--mb 50] [--runs 1] [--valid 0]
 *
 * Starts `eaio serve` as a child process (its own database, Redis prefix and port), waits
 * for /healthz, POSTs a body of `--mb` megabytes of junk lines (a mix of plain text, broken
 * JSON objects, objects of the wrong shape and lines with invalid UTF-8; `--valid N` puts
 * N valid prompt lines in front), and prints per run: HTTP status, seconds until the whole
 * response was read, response bytes, the reported issue total, and the child's RSS before
 * the post and its peak (VmHWM from /proc, Linux only). The baseline is the same process
 * idle: RSS before the post.
 *
 * Environment: `REDIS_URL` (default redis://127.0.0.1:6379), `BENCH_DATABASE_ADMIN_URL`
 * (default postgres://postgres@127.0.0.1:5432/test). The database and queue prefix are
 * removed afterwards.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};

const ROOT = join(import.meta.dirname, '..');
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'bench-intake-token-0123456789';

/** Deterministic junk: the same bytes every run. */
const junkBody = (megabytes: number, valid: number): Buffer => {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const target = megabytes * 1024 * 1024;
  const parts: Buffer[] = [];
  let size = 0;
  const push = (buffer: Buffer): void => {
    parts.push(buffer);
    size += buffer.length;
  };
  for (let index = 0; index < valid; index += 1) push(Buffer.from(`${JSON.stringify({ id: `ok-${index}`, prompt: `Summarise reading ${index}.`, taskType: 'summarization' })}\n`));
  const letters = 'abcdefghijklmnopqrstuvwxyz ,.;:0123456789';
  let line = 0;
  while (size < target) {
    line += 1;
    const length = 8 + Math.floor(random() * 72);
    let text = '';
    for (let index = 0; index < length; index += 1) text += letters[Math.floor(random() * letters.length)];
    switch (line % 4) {
      case 0:
        push(Buffer.from(`${text}\n`));
        break;
      case 1:
        push(Buffer.from(`{"id": "${text}", "prompt": \n`));
        break;
      case 2:
        push(Buffer.from(`{"identifier": "${text}"}\n`));
        break;
      default:
        push(Buffer.concat([Buffer.from(text.slice(0, 4)), Buffer.from([0xff, 0xfe]), Buffer.from(`${text.slice(4)}\n`)]));
    }
  }
  return Buffer.concat(parts);
};

const rssOf = (pid: number): { rssMb: number; peakMb: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: field('VmRSS'), peakMb: field('VmHWM') };
};

const waitForHealth = async (url: string, child: { exitCode: number | null }): Promise<void> => {
  for (let tries = 0; tries < 600; tries += 1) {
    if (child.exitCode !== null) throw new Error(`eaio serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('eaio serve did not come up within 60 s');
};

const main = async (): Promise<void> => {
  const megabytes = Number(argument('mb', '50'));
  const runs = Number(argument('runs', '1'));
  const valid = Number(argument('valid', '0'));
  const body = junkBody(megabytes, valid);
  const name = `eaio_bench_intake_${randomUUID().slice(0, 8)}`;
  const namespace = `bench${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(ADMIN_URL);
  databaseUrl.pathname = `/${name}`;
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/eaio.mjs', 'serve', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl.toString(), REDIS_URL, BOARD_TOKEN: TOKEN, EAIO_NAMESPACE: namespace, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(url, child);
    console.log(`body: ${(body.length / 1024 / 1024).toFixed(1)} MB, ${body.toString('latin1').split('\n').length - 1} lines (${valid} valid)`);
    for (let run = 1; run <= runs; run += 1) {
      const before = rssOf(child.pid!);
      const started = performance.now();
      const response = await fetch(`${url}/v1/batches?tenant=bench`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      const text = await response.text();
      const seconds = (performance.now() - started) / 1000;
      const after = rssOf(child.pid!);
      let total: unknown = '?';
      try {
        const parsed = JSON.parse(text) as { issueCounts?: { total?: number }; issues?: unknown[] };
        total = parsed.issueCounts?.total ?? parsed.issues?.length;
      } catch {
        total = 'not JSON';
      }
      console.log(
        `run ${run}: status ${response.status} ${response.headers.get('content-type')}, ${seconds.toFixed(2)} s, response ${(text.length / 1024).toFixed(1)} KB, issues ${String(total)}, ` +
          `intake RSS idle ${before.rssMb.toFixed(0)} MB -> after ${after.rssMb.toFixed(0)} MB, peak ${after.peakMb.toFixed(0)} MB`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
};

await main();
