import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Tier } from '@eaio/core';
import { ProviderError, type ChatRequest, type ChatResult, type EndpointPool, type ProviderAdapter } from '@eaio/providers';
import type { AttemptSummary, GuardAdmission, GuardFailure, GuardTarget, GuardTicket, PipelineJobData, ProviderGuard } from '@eaio/queues';
import type { LocalTimeouts } from './local-timeout';
import { createModelSelector, failedInTier, localHostsOf } from './model-selector';
import type { ModelChoice } from './pipeline-ports';

/**
 * The selector against the shipped config (two Ollama hosts, three paid endpoints with
 * placeholder keys, gemini left disabled), a fake endpoint pool and a fake shared guard.
 */
const SHIPPED = resolve(import.meta.dirname, '../../../config/eaio.yaml');
const config = loadConfig({
  path: SHIPPED,
  env: {
    OLLAMA_BASE_URL: 'http://ollama-a.invalid:11434,http://ollama-b.invalid:11434',
    OPENAI_API_KEY: 'placeholder-openai',
    DEEPSEEK_API_KEY: 'placeholder-deepseek',
    ANTHROPIC_API_KEY: 'placeholder-anthropic',
  },
});

const answer = (): ChatResult => ({
  text: 'ok',
  usage: { inputTokens: 300, outputTokens: 40 },
  finishReason: { unified: 'stop', raw: 'stop' },
  latencyMs: 5,
  generation: { outputTokens: 40, evalMs: 1000 },
  provider: 'fake',
  model: 'fake',
  endpoint: 'fake',
});

/** The pool: `healthy` endpoints serve every model; records each `select` and `markUnhealthy`. */
const fakePool = (healthy: string[]) => {
  const selects: { model: string; exclude: readonly string[] }[] = [];
  const unhealthy: string[] = [];
  const chats: { endpoint: string; request: ChatRequest }[] = [];
  const adapters = new Map<string, ProviderAdapter>(
    config.endpoints.map((endpoint) => [
      endpoint.id,
      {
        endpoint,
        async chat(request: ChatRequest) {
          chats.push({ endpoint: endpoint.id, request });
          return answer();
        },
        listModels: async () => [],
        checkHealth: async () => ({ ok: true, latencyMs: 1, models: [] }),
      },
    ]),
  );
  const pool = {
    async select(model: string, options: { exclude?: readonly string[] } = {}) {
      selects.push({ model, exclude: options.exclude ?? [] });
      const id = healthy.find((candidate) => !unhealthy.includes(candidate) && !(options.exclude ?? []).includes(candidate));
      return id ? { endpoint: adapters.get(id)!.endpoint, adapter: adapters.get(id)! } : undefined;
    },
    markUnhealthy(id: string) {
      unhealthy.push(id);
    },
  };
  return { pool: pool as unknown as EndpointPool, selects, unhealthy, chats };
};

type Refusal = Extract<GuardAdmission, { ok: false }>;

/** The shared guard: refuses the endpoints listed in `refuse`, admits the rest; records every report. */
const fakeGuard = (refuse: Record<string, Refusal> = {}) => {
  const events: string[] = [];
  const failures: GuardFailure[] = [];
  const guard: ProviderGuard = {
    async admit(target: GuardTarget, tokens: number): Promise<GuardAdmission> {
      events.push(`admit:${target.endpoint}`);
      return refuse[target.endpoint] ?? { ok: true, ...target, slice: 7, tokens, probe: [] };
    },
    async succeeded(ticket: GuardTicket, used?: number) {
      events.push(`succeeded:${ticket.endpoint}:${used ?? '-'}`);
    },
    async beforeSend(ticket: GuardTicket) {
      events.push(`beforeSend:${ticket.endpoint}`);
    },
    async released(ticket: GuardTicket) {
      events.push(`released:${ticket.endpoint}`);
    },
    async failed(ticket: GuardTicket, failure: GuardFailure) {
      events.push(`failed:${ticket.endpoint}`);
      failures.push(failure);
      return { open: false };
    },
    snapshot: async () => ({ breakers: [], pauses: [], requestsInWindow: {} }),
    close: async () => undefined,
  };
  return { guard, events, failures };
};

const fixedLocalTimeouts = () => {
  const observed: string[] = [];
  const timeouts: LocalTimeouts = {
    timeoutFor: (host, model, maxTokens) => ({
      timeoutMs: 100_000 + maxTokens,
      tokensPerSecond: 40,
      speedSource: 'configured',
      loadAllowanceMs: 0,
      reason: `derived for ${host}/${model}`,
    }),
    observe: (host, model) => observed.push(`${host}/${model}`),
    measuredTokensPerSecond: () => undefined,
  };
  return { timeouts, observed };
};

const job = (history: AttemptSummary[] = []): PipelineJobData => ({
  jobId: 'job-1',
  batchId: 'batch-1',
  tenant: 'acme',
  kind: 'prompt',
  privacy: 'PUBLIC',
  taskType: 'summarization',
  chain: ['local-fast', 'api'],
  tier: 'api',
  complexity: 0.5,
  routeReason: 'test',
  history,
});

const failedOn = (tier: Tier, endpoint: string, model: string): AttemptSummary => ({
  attemptId: `a-${endpoint}`,
  tier,
  provider: endpoint,
  endpoint,
  model,
  outcome: 'error',
  reason: 'HTTP 503',
});

const rateLimited = (retryAt: number): Refusal => ({ ok: false, cause: 'rate-limit', retryAt, reason: 'at its request limit' });
const paused = (retryAt: number): Refusal => ({ ok: false, cause: 'paused', retryAt, reason: 'paused after a 429' });
const breakerOpen: Refusal = { ok: false, cause: 'breaker-open', retryAt: 1, reason: 'circuit breaker open' };

const asChoice = (chosen: Awaited<ReturnType<ReturnType<typeof createModelSelector>['choose']>>): ModelChoice => {
  if (!chosen || 'wait' in chosen) throw new Error(`expected a model, got ${JSON.stringify(chosen)}`);
  return chosen;
};

describe('model selector: which model', () => {
  it('takes the first candidate in config order, with the fixed api timeout and the guard ticket', async () => {
    const { pool } = fakePool(['openai', 'deepseek', 'anthropic']);
    const { guard } = fakeGuard();
    const choice = asChoice(await createModelSelector({ config, pool, guard }).choose('api', job()));
    expect(choice).toMatchObject({ model: 'gpt-6-luna', maxTokens: 2048, timeoutMs: 30_000, timeoutReason: 'fixed 30 s' });
    expect(choice.endpoint.id).toBe('openai');
    expect(choice.ticket).toMatchObject({ endpoint: 'openai', model: 'gpt-6-luna', slice: 7 });
  });

  it('skips a candidate this job already failed on in this tier, but not one it failed on in another tier', async () => {
    const { pool } = fakePool(['openai', 'deepseek', 'anthropic']);
    const selector = createModelSelector({ config, pool });
    expect(asChoice(await selector.choose('api', job([failedOn('api', 'openai', 'gpt-6-luna')]))).model).toBe('deepseek-chat');
    expect(asChoice(await selector.choose('api', job([failedOn('local-fast', 'openai', 'gpt-6-luna')]))).model).toBe('gpt-6-luna');
    expect(selector.hasFreshCandidate?.('api', job([failedOn('api', 'openai', 'gpt-6-luna')]))).toBe(true);
  });

  it('once every candidate failed the job, the first one is tried again; hasFreshCandidate says none is left', async () => {
    const { pool } = fakePool(['openai', 'deepseek', 'anthropic']);
    const selector = createModelSelector({ config, pool });
    const history = [failedOn('api', 'openai', 'gpt-6-luna'), failedOn('api', 'deepseek', 'deepseek-chat'), failedOn('api', 'anthropic', 'claude-haiku-4-5')];
    expect(asChoice(await selector.choose('api', job(history))).model).toBe('gpt-6-luna');
    expect(selector.hasFreshCandidate?.('api', job(history))).toBe(false);
    expect([...failedInTier(job(history), 'api')]).toHaveLength(3);
  });

  it('an endpoint the guard refuses is passed over for the next candidate', async () => {
    const { pool } = fakePool(['openai', 'deepseek', 'anthropic']);
    const { guard, events } = fakeGuard({ openai: breakerOpen });
    const choice = asChoice(await createModelSelector({ config, pool, guard }).choose('api', job()));
    expect(choice.endpoint.id).toBe('deepseek');
    expect(events).toEqual(['admit:openai', 'admit:deepseek']);
  });

  it('every candidate paused or at its limit: a wait until the soonest, naming each; breaker-open ones add no wait', async () => {
    const { pool } = fakePool(['openai', 'deepseek', 'anthropic']);
    const { guard } = fakeGuard({ openai: paused(5_000), deepseek: rateLimited(3_000), anthropic: breakerOpen });
    const chosen = await createModelSelector({ config, pool, guard }).choose('api', job());
    expect(chosen).toEqual({ wait: { untilMs: 3_000, reason: 'openai paused after a 429; deepseek at its request limit' } });
  });

  it('nothing admitted and nothing to wait for, or no healthy endpoint: null', async () => {
    const open = fakeGuard({ openai: breakerOpen, deepseek: breakerOpen, anthropic: breakerOpen });
    expect(await createModelSelector({ config, pool: fakePool(['openai', 'deepseek', 'anthropic']).pool, guard: open.guard }).choose('api', job())).toBeNull();
    expect(await createModelSelector({ config, pool: fakePool([]).pool }).choose('api', job())).toBeNull();
  });

  it('a local tier goes to the host whose slot is held, with the derived timeout', async () => {
    const env = fakePool(['ollama-1', 'ollama-2']);
    const { timeouts } = fixedLocalTimeouts();
    const selector = createModelSelector({ config, pool: env.pool, localTimeouts: timeouts });
    const choice = asChoice(await selector.choose('local-fast', { ...job(), tier: 'local-fast' }, 'ollama-2'));
    expect(choice.endpoint.id).toBe('ollama-2');
    expect(choice).toMatchObject({ model: 'llama3.2:3b', timeoutMs: 101_024, timeoutReason: 'derived for ollama-2/llama3.2:3b' });
    expect(env.selects.every((select) => select.exclude.includes('ollama-1'))).toBe(true);
    // A local tier never reaches a paid endpoint, even with no host given.
    const anyHost = asChoice(await selector.choose('local-fast', { ...job(), tier: 'local-fast' }));
    expect(anyHost.endpoint.local).toBe(true);
  });

  it('a held host that is down gives null, not another host', async () => {
    const { pool } = fakePool(['ollama-1']);
    expect(await createModelSelector({ config, pool }).choose('local-quality', { ...job(), tier: 'local-quality' }, 'ollama-2')).toBeNull();
  });
});

describe('model selector: reports to the guard', () => {
  const chosen = async (refuse: Record<string, Refusal> = {}) => {
    const env = fakePool(['openai', 'deepseek', 'anthropic']);
    const guard = fakeGuard(refuse);
    const selector = createModelSelector({ config, pool: env.pool, guard: guard.guard });
    const choice = asChoice(await selector.choose('api', job()));
    guard.events.length = 0;
    return { selector, choice, ...guard, ...env };
  };

  it("the chosen adapter takes a fresh place in the provider's window just before it sends", async () => {
    const { choice, events, chats } = await chosen();
    await choice.adapter.chat({ model: choice.model, messages: [{ role: 'user', content: 'hi' }], timeoutMs: choice.timeoutMs });
    expect(events).toEqual(['beforeSend:openai']);
    expect(chats.map((chat) => chat.endpoint)).toEqual(['openai']);
  });

  it('an answer closes the ticket with the tokens used', async () => {
    const { selector, choice, events } = await chosen();
    await selector.answered?.(choice, answer());
    expect(events).toEqual(['succeeded:openai:340']);
  });

  it('a 429 pauses the provider for its retry-after and advises failover', async () => {
    const { selector, choice, events, failures } = await chosen();
    const advice = await selector.failed?.(choice, new ProviderError('rate-limit', { message: 'HTTP 429', provider: 'openai', endpoint: 'openai', retryAfterMs: 7_000 }));
    expect(advice?.failover).toBe(true);
    expect(events).toEqual(['failed:openai']);
    expect(failures).toEqual([{ effect: 'pause', pauseMs: 7_000, message: 'HTTP 429' }]);
  });

  it("a request's own fault (400) counts as the endpoint answering; an abort just releases the ticket", async () => {
    const { selector, choice, events } = await chosen();
    const badRequest = await selector.failed?.(choice, new ProviderError('bad-request', { message: 'HTTP 400', provider: 'openai', endpoint: 'openai' }));
    expect(badRequest?.failover).toBe(false);
    await selector.failed?.(choice, new ProviderError('aborted', { message: 'aborted', provider: 'openai', endpoint: 'openai' }));
    expect(events).toEqual(['succeeded:openai:-', 'released:openai']);
  });

  it('a call never sent gives its ticket back; an unreachable endpoint is marked unhealthy in the pool', async () => {
    const { selector, choice, events, unhealthy } = await chosen();
    await selector.notSent?.(choice);
    selector.unreachable?.('openai', 'ECONNREFUSED');
    expect(events).toEqual(['released:openai']);
    expect(unhealthy).toEqual(['openai']);
  });

  it('a local answer feeds the measured speed of that host and model', async () => {
    const { timeouts, observed } = fixedLocalTimeouts();
    const selector = createModelSelector({ config, pool: fakePool(['ollama-1']).pool, localTimeouts: timeouts });
    const choice = asChoice(await selector.choose('local-fast', { ...job(), tier: 'local-fast' }, 'ollama-1'));
    await selector.answered?.(choice, answer());
    expect(observed).toEqual(['ollama-1/llama3.2:3b']);
  });
});

describe('localHostsOf', () => {
  it('one entry per local host with the tiers it serves, local-quality first, capped by maxConcurrentLocal', () => {
    expect(localHostsOf(config, ['local-fast', 'local-quality', 'api'])).toEqual([
      { id: 'ollama-1', maxInFlight: 2, tiers: ['local-quality', 'local-fast'] },
      { id: 'ollama-2', maxInFlight: 2, tiers: ['local-quality', 'local-fast'] },
    ]);
    expect(localHostsOf(config, ['api'])).toEqual([]);
  });
});
