import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadConfig, type ConfigOverrides, type EaioConfig } from '@eaio/core';
import type { AnswerSynthesizer, ModelBehaviour } from '@eaio/emulator';
import { openRuntime, type Runtime } from '../../apps/producer/src/runtime';
import { startRehearsal, type Rehearsal } from '../../apps/producer/src/rehearsal';
import { freshDatabase } from './fresh-database';

export interface TestPipeline {
  config: EaioConfig;
  runtime: Runtime;
  rehearsal: Rehearsal;
  env: Record<string, string>;
  dir: string;
  namespace: string;
  close(): Promise<void>;
}

/**
 * A whole pipeline for a test: the provider emulator, a fresh database (or the embedded
 * PostgreSQL), queues on Redis (fresh prefix) or on PostgreSQL, and the runtime.
 */
export const openTestPipeline = async (options: {
  queues: 'redis' | 'postgres';
  database: 'fresh' | 'embedded';
  models?: (config: EaioConfig) => Record<string, ModelBehaviour>;
  timeScale?: number;
  localHosts?: number;
  env?: Record<string, string>;
  overrides?: ConfigOverrides;
  answerSynthesizer?: AnswerSynthesizer;
}): Promise<TestPipeline> => {
  const dir = await mkdtemp(join(tmpdir(), 'eaio-test-'));
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach its data dir inside `dir` (mkdtemp makes 0700).
  if (options.database === 'embedded') await chmod(dir, 0o755);
  const namespace = `t${randomUUID().slice(0, 8)}`;
  const fresh = options.database === 'fresh' ? await freshDatabase('e2e') : undefined;
  const base = loadConfig({ env: {} });
  const rehearsal = await startRehearsal(base, {
    timeScale: options.timeScale ?? 0.02,
    models: options.models?.(base),
    localHosts: options.localHosts,
    answerSynthesizer: options.answerSynthesizer,
  });
  const env: Record<string, string> = {
    ...rehearsal.env,
    LOG_LEVEL: 'warn',
    BOARD_TOKEN: 'test-board-token-0123456789',
    DEFAULT_PRIVACY_LEVEL: 'ENHANCED',
    LLM_MONTHLY_BUDGET: '100',
    LLM_DAILY_BUDGET: '100',
    ...(options.queues === 'redis' ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...options.env,
  };
  const overrides: ConfigOverrides = { retries: { backoffBaseMs: 20, backoffMaxMs: 200 }, ...options.overrides };
  const config = loadConfig({ env, overrides });
  const log = createLogger({ level: 'warn', name: 'test' });
  const runtime = await openRuntime({ config, log, namespace, dataDir: join(dir, 'postgres'), embeddedPort: 54000 + Math.floor(Math.random() * 900) });
  return {
    config,
    runtime,
    rehearsal,
    env: { ...env, DATABASE_URL: runtime.databaseUrl, EAIO_NAMESPACE: namespace },
    dir,
    namespace,
    async close() {
      for (const queue of Object.values(runtime.queues)) await queue.obliterate({ force: true }).catch(() => undefined);
      await runtime.close();
      await rehearsal.close();
      await fresh?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const waitFor = async (predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
