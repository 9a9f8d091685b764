import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, type ChatRequest, type ProviderAdapter } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import { createPriceCatalog, createSpendGuard } from '@eaio/spend';
import { processPipelineJob, type ProcessDeps } from '../apps/workers/src/process-job';
import type { ModelChoice, PipelineStore } from '../apps/workers/src/pipeline-ports';
import { budgetsConfig, freshSpendSchema } from './spend-fixtures';

/**
 * Between `reserve` and the provider call nothing has been sent: a throw there must give
 * the reservation back (before, it stayed open until the sweeper charged the worst case).
 */
const catalog = createPriceCatalog({ overrides: [{ provider: 'openai', model: 'dear', inputPerMTok: 10, outputPerMTok: 40 }] });

let db: Awaited<ReturnType<typeof freshSpendSchema>>;
beforeEach(async () => {
  db = await freshSpendSchema();
});
afterEach(async () => {
  await db.drop();
});

const data: PipelineJobData = {
  jobId: 'job-1',
  batchId: 'batch-1',
  tenant: 'acme',
  kind: 'prompt',
  privacy: 'PUBLIC',
  taskType: 'reasoning',
  chain: ['api'],
  tier: 'api',
  complexity: 0.9,
  routeReason: 'test',
  history: [],
  prompt: 'Compare the baseload of 2019 with 2018.',
};

const fakeJob = (): Job<PipelineJobData> =>
  ({
    id: 'job-1.api',
    data,
    opts: { attempts: 3 },
    attemptsStarted: 1,
    attemptsMade: 0,
    token: 't',
    log: async () => 0,
    updateData: async () => undefined,
    moveToDelayed: async () => undefined,
  }) as unknown as Job<PipelineJobData>;

const setup = (options: { startAttempt?: () => Promise<void>; adapter?: ProviderAdapter['chat']; signal?: AbortSignal }) => {
  const calls: ChatRequest[] = [];
  const adapter = {
    chat: async (request: ChatRequest) => {
      calls.push(request);
      if (options.adapter) return options.adapter(request);
      throw new Error('unexpected call');
    },
  } as unknown as ProviderAdapter;
  const choice = {
    endpoint: { id: 'openai', provider: 'openai', local: false, baseUrl: 'http://127.0.0.1:1' },
    adapter,
    model: 'dear',
    maxTokens: 2000,
    timeoutMs: 30_000,
  } as unknown as ModelChoice;
  const finished: unknown[] = [];
  const store = {
    isTerminal: async () => false,
    storedJob: async () => ({ terminal: false, batchId: 'batch-1', tenant: 'acme', privacy: 'PUBLIC', chain: ['api'] }),
    markActive: async () => undefined,
    startAttempt: options.startAttempt ?? (async () => undefined),
    finishAttempt: async (_start: unknown, end: unknown) => {
      finished.push(end);
    },
    complete: async () => undefined,
    moved: async () => undefined,
  } as unknown as PipelineStore;
  const spend = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ dailyUsd: 10 }) });
  const warnings: string[] = [];
  const deps: ProcessDeps = {
    selector: { choose: async () => choice },
    analyzer: {
      buildRequest: () => ({ messages: [{ role: 'user', content: data.prompt! }], responseFormat: { type: 'json', schema: { type: 'object' } } }),
      evaluate: () => ({ score: 1, pass: true, threshold: 0.7, checks: {} }),
    },
    store,
    escalation: { next: () => ({ next: 'review', reason: 'test' }) },
    enqueuer: { toTier: async () => undefined, toReview: async () => undefined },
    spend: {
      reserve: spend.reserve,
      settle: spend.settle,
      release: async (id: string) => {
        await spend.release(id);
      },
    },
    now: () => new Date(),
    signal: options.signal,
    log: { info: () => undefined, warn: (_fields: object, message?: string) => warnings.push(message ?? '') },
  } as unknown as ProcessDeps;
  return { deps, calls, finished, warnings };
};

const money = async () => {
  const counters = (
    await db.pool.query<{ reserved: string; spent: string }>(
      'SELECT coalesce(sum(reserved_micro_usd), 0) AS reserved, coalesce(sum(spent_micro_usd), 0) AS spent FROM budget_counters',
    )
  ).rows[0]!;
  const reservations = (await db.pool.query<{ status: string; amount: string }>('SELECT status, amount_micro_usd AS amount FROM budget_reservations')).rows;
  const ledger = (await db.pool.query<{ kind: string; cost: string }>('SELECT kind, cost_micro_usd AS cost FROM spend_ledger')).rows;
  return { reserved: Number(counters.reserved), spent: Number(counters.spent), reservations, ledger };
};

describe('release on every path between reserve and the provider call', () => {
  it('the attempt insert throws: the reservation is released, reserved money back to 0, nothing sent', async () => {
    const { deps, calls } = setup({
      startAttempt: async () => {
        throw new Error('connection terminated unexpectedly');
      },
    });
    await expect(processPipelineJob(fakeJob(), deps)).rejects.toThrow(/connection terminated/);
    const after = await money();
    expect(after.reservations).toEqual([{ status: 'released', amount: expect.any(String) }]);
    expect(Number(after.reservations[0]!.amount)).toBeGreaterThan(0); // a real reservation had been taken
    expect(after.reserved).toBe(0);
    expect(after.spent).toBe(0);
    expect(after.ledger).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('shutdown (signal aborted) before the call: released, nothing sent, no attempt row', async () => {
    const controller = new AbortController();
    let started = 0;
    const { deps, calls } = setup({
      signal: controller.signal,
      startAttempt: async () => {
        started += 1;
      },
    });
    controller.abort(new Error('shutting down'));
    await expect(processPipelineJob(fakeJob(), deps)).rejects.toThrow(/shutting down/);
    const after = await money();
    expect(after.reservations.map((row) => row.status)).toEqual(['released']);
    expect(after.reserved).toBe(0);
    expect(calls).toHaveLength(0);
    expect(started).toBe(0);
  });

  it('the adapter refuses before sending (no API key): the attempt is settled at $0, not at the worst case', async () => {
    const { deps, calls, finished } = setup({
      adapter: async () => {
        throw new AuthError({ provider: 'openai', endpoint: 'openai', message: 'openai (openai): no API key configured' });
      },
    });
    await processPipelineJob(fakeJob(), deps);
    expect(calls).toHaveLength(1);
    const after = await money();
    expect(after.reserved).toBe(0);
    expect(after.spent).toBe(0);
    expect(after.ledger).toEqual([{ kind: 'unbilled', cost: '0' }]);
    expect(finished).toEqual([expect.objectContaining({ outcome: 'error', errorKind: 'auth', costMicroUsd: 0 })]);
  });
});
