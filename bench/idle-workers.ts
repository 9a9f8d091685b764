/**
 * Idle cost of one `eaio workers` process with its queues on PostgreSQL: the statements it
 * sends per second while no job exists.
 *
 *   npx tsx bench/idle-workers.ts [--seconds 60] [--warmup 15] [--tier local-fast,local-quality]
 *
 * The process is the real CLI (`bin/eaio.mjs workers --no-reports --no-metrics`, REDIS_URL
 * unset so BullMQ runs on PostgreSQL), configured against a provider emulator
 * (`startRehearsal`), on a fresh database reached through a counting TCP proxy: every
 * statement a client of that process sends is one `Query` message (simple protocol) or one
 * `Execute` (extended protocol, what `pg` uses for parameters) and is counted there, whichever
 * pool or connection sent it (results, slot leases, host health, BullMQ). As a cross-check
 * the database's `xact_commit + xact_rollback` delta (pg_stat_database) over the same window
 * is printed: each transaction, however many statements it holds, counts once there.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { loadConfig } from '@eaio/core';
import { PRESETS } from '@eaio/emulator';
import { startRehearsal } from '../apps/producer/src/rehearsal';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const SECONDS = Number(argument('seconds') ?? 60);
const WARMUP = Number(argument('warmup') ?? 15);
const TIERS = argument('tier') ?? 'local-fast,local-quality';
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A TCP proxy to Postgres that counts the frontend's Query and Execute messages. */
const countingProxy = async (target: URL) => {
  const counts = { statements: 0, connections: 0 };
  const server = net.createServer((client) => {
    counts.connections += 1;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    let buffer = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code !== 80877103) started = true; // an SSLRequest precedes the real startup
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        if (type === 'Q' || type === 'E') counts.statements += 1;
        buffer = buffer.subarray(1 + length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { counts, port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const admin = async <T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
};

const main = async () => {
  const database = `eaio_idle_${randomUUID().slice(0, 8)}`;
  await admin(ADMIN_URL, `CREATE DATABASE ${database}`);
  const direct = new URL(ADMIN_URL);
  direct.pathname = `/${database}`;
  const proxy = await countingProxy(direct);
  const viaProxy = new URL(direct.toString());
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const base = loadConfig({ env: {} });
  const models = Object.fromEntries(Object.values(base.tiers).flatMap((tier) => tier.candidates.map((candidate) => [candidate.model, PRESETS.instant])));
  const rehearsal = await startRehearsal(base, { timeScale: 0, models, localHosts: 1 });
  const env: NodeJS.ProcessEnv = { ...process.env, ...rehearsal.env, DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'warn' };
  delete env.REDIS_URL; // queues on PostgreSQL
  const child = spawn(process.execPath, ['bin/eaio.mjs', 'workers', '--tier', TIERS, '--no-reports', '--no-metrics'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const xacts = async () => Number((await admin<{ n: string }>(ADMIN_URL, 'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [database]))[0].n);
  try {
    console.log(`idle eaio workers (--tier ${TIERS}), queues on PostgreSQL, fresh database ${database}; warm-up ${WARMUP} s, then ${SECONDS} s measured`);
    await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
    if (child.exitCode !== null) throw new Error(`eaio workers exited with ${child.exitCode}`);
    // pg_stat_database is updated by backends at most every 10 s (stats flush); the deltas
    // over a 60 s window are close enough for a cross-check, not for the headline.
    const before = { statements: proxy.counts.statements, xacts: await xacts(), at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const after = { statements: proxy.counts.statements, xacts: await xacts(), at: Date.now() };
    const seconds = (after.at - before.at) / 1000;
    console.log(
      `statements sent by the process: ${after.statements - before.statements} in ${seconds.toFixed(1)} s = ${((after.statements - before.statements) / seconds).toFixed(2)} statements/s`,
    );
    console.log(`transactions (pg_stat_database xact_commit + xact_rollback delta): ${((after.xacts - before.xacts) / seconds).toFixed(2)}/s`);
    console.log(`connections the process opened: ${proxy.counts.connections}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(undefined);
      }, 15_000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    await proxy.close().catch(() => undefined);
    await rehearsal.close();
    await admin(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
