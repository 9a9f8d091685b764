import pg from 'pg';
import type { BudgetsConfig } from '@eaio/core';
import { createDb, migrate } from '@eaio/db';
import { freshDatabase } from './support/fresh-database';

/** A fresh database with the real migrations applied (spend, budget and report tables included). */
export const freshSpendSchema = async (): Promise<{ pool: pg.Pool; drop: () => Promise<void> }> => {
  const fresh = await freshDatabase('spend');
  const pool = new pg.Pool({ connectionString: fresh.url, max: 10 });
  await migrate(createDb(pool));
  return {
    pool,
    drop: async () => {
      await pool.end();
      await fresh.drop();
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
  tokenEstimate: { margin: 0.15, providerFactors: {} },
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
