import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { BudgetsConfig } from '@eaio/core';
import { ensureSpendSchema } from '@eaio/spend';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema (spend tables created) and a pool whose search_path points at it. */
export const freshSpendSchema = async (): Promise<{ pool: pg.Pool; schema: string; drop: () => Promise<void> }> => {
  const schema = `spend_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}`, max: 10 });
  await ensureSpendSchema(pool);
  return {
    pool,
    schema,
    drop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
};

export const budgetsConfig = (patch: Partial<BudgetsConfig> = {}): BudgetsConfig => ({
  monthlyUsd: undefined,
  dailyUsd: undefined,
  perProvider: {},
  perTenant: {},
  alertThreshold: 0.8,
  alertWebhookUrl: undefined,
  localOnlyBelowShare: 0.1,
  maxReservationShare: 0.05,
  onExhausted: 'wait',
  ...patch,
});

export const apiChoice = (provider = 'openai', model = 'gpt-4o-mini', maxTokens = 2000) => ({
  endpoint: { id: provider, provider, local: false },
  model,
  maxTokens,
  timeoutMs: 30_000,
});

export const localChoice = { endpoint: { id: 'ollama-1', provider: 'ollama', local: true }, model: 'llama3.2:3b', maxTokens: 1024, timeoutMs: 10_000 };

export const job = (jobId: string, tenant = 'acme') => ({ jobId, batchId: 'batch-1', tenant, tier: 'api' });

/** ~100 prompt tokens by the guard's estimate (300 characters). */
export const request = (maxTokens = 2000) => ({ system: 's'.repeat(100), messages: [{ content: 'u'.repeat(199) }], maxTokens });
