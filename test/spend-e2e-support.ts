import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_CONFIG_PATH } from '@eaio/core';
import type { Runtime } from '../apps/producer/src/runtime';

/** The api model every spend end-to-end test prices (first api candidate of the shipped config). */
export const API_MODEL = 'gpt-6-luna';

/**
 * Test prices that make one emulated call cost a few cents (~$0.023 billed) with a
 * reserved worst case (prompt + 80 max output tokens) of ~$0.042 while the model is
 * uncalibrated (its first calls reserve the prompt's ~1,700 UTF-8 bytes as tokens), so
 * that 20 calls in flight hold ~$0.85 of a $1.00 cap.
 */
export const TEST_PRICE = { inputPerMTok: 15, outputPerMTok: 210 };
export const API_MAX_TOKENS = 80;

/**
 * The shipped config with test prices, a small api `maxTokens` (so the worst case is close
 * to the real cost) and the given budget settings. Child worker processes read the same
 * file through `EAIO_CONFIG`, so every process prices and caps alike.
 */
export const writeTestConfig = (
  dir: string,
  budgets: Record<string, unknown>,
  maxTokens = API_MAX_TOKENS,
  price: { inputPerMTok: number; outputPerMTok: number } = TEST_PRICE,
): string => {
  // biome-ignore lint/suspicious/noExplicitAny: the shipped YAML config, edited in place before it is written back
  const config = parseYaml(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, any>;
  config.prices = { ...config.prices, [API_MODEL]: price };
  config.tiers.api.candidates = config.tiers.api.candidates.map((candidate: Record<string, unknown>) => ({ ...candidate, maxTokens }));
  config.budgets = { ...config.budgets, ...budgets };
  const path = join(dir, 'eaio.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
};

const FILLER = 'The site has a central plant with two boilers, a chiller, variable-speed pumps and a building management system with a weekly schedule. ';

/** JSONL prompt jobs; `reasoning` + PUBLIC starts at the api tier, PRIVATE stays local. */
export const writePromptJobs = (dir: string, name: string, count: number, privacy: 'PUBLIC' | 'ENHANCED' | 'PRIVATE', taskType = 'reasoning'): string => {
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      id: `${name}-${index}`,
      privacy,
      taskType,
      prompt: `Request ${name}-${index}: analyse the plant, compare this year with last year, derive the baseload and plan an optimization step by step. ${FILLER.repeat(12)}`,
    }),
  );
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};

export interface WorkerProcess {
  child: ChildProcess;
  /** BullMQ worker name of the process (`job.processedBy`), read from its start-up log line. */
  workerId: Promise<string>;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** `node bin/eaio.mjs workers …` against the test pipeline (its env: Redis, DB, namespace, emulator). */
export const startWorkerProcess = (env: Record<string, string>, args: string[]): WorkerProcess => {
  const child = spawn(process.execPath, ['bin/eaio.mjs', 'workers', '--no-reports', ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let resolveId: (id: string) => void;
  let rejectId: (error: Error) => void;
  const workerId = new Promise<string>((resolve, reject) => {
    resolveId = resolve;
    rejectId = reject;
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /"worker":"(eaio-[0-9a-f]{8})"/.exec(output);
    if (match) resolveId(match[1]);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      rejectId(new Error(`worker process exited (${code}) before it started:\n${output.slice(-2000)}`));
      resolve(code);
    }),
  );
  return {
    child,
    workerId,
    output: () => output,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Reservations by status, ledger totals and what the counters still hold. */
export const moneyFacts = async (runtime: Runtime) => {
  const pool = runtime.database.pool;
  const reservations = (await pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM budget_reservations GROUP BY status')).rows;
  const ledger = (
    await pool.query<{ rows: number; cost: string; kinds: Record<string, number> | null }>(
      `SELECT count(*)::int AS rows, coalesce(sum(cost_micro_usd), 0)::bigint AS cost,
       (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*)::int AS n FROM spend_ledger GROUP BY kind) k) AS kinds
     FROM spend_ledger`,
    )
  ).rows[0];
  const counters = (
    await pool.query<{ scope: string; period: string; spent: string; reserved: string }>(
      'SELECT scope, period, spent_micro_usd AS spent, reserved_micro_usd AS reserved FROM budget_counters ORDER BY scope, period',
    )
  ).rows.map((row) => ({ scope: row.scope, period: row.period, spentMicro: Number(row.spent), reservedMicro: Number(row.reserved) }));
  return {
    byStatus: Object.fromEntries(reservations.map((row) => [row.status, row.n])) as Record<string, number>,
    ledgerRows: ledger.rows,
    ledgerMicro: Number(ledger.cost),
    ledgerKinds: ledger.kinds ?? {},
    counters,
  };
};
