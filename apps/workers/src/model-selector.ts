import type { EaioConfig, Tier } from '@eaio/core';
import { failoverAdviceFor, type EndpointPool } from '@eaio/providers';
import type { GuardAdmission, GuardTicket, ProviderGuard } from '@eaio/queues';
import type { PipelineJobData } from '@eaio/queues';
import { createLocalTimeouts, type LocalTimeouts } from './local-timeout';
import type { ModelChoice, ModelSelector, SelectorWait } from './pipeline-ports';

export interface ModelSelectorOptions {
  config: EaioConfig;
  /**
   * The configured endpoints with their adapters and cached health (`/api/tags`,
   * `/v1/models`): an endpoint that is down, or does not list the model, is skipped.
   */
  pool: EndpointPool;
  /**
   * Circuit breakers, 429 pauses and rate limits shared by every worker process. Without
   * it every candidate counts as closed and unlimited (unit tests).
   */
  guard?: ProviderGuard;
  /**
   * Derived local timeouts (rolling tokens/s per host and model, kept in this process).
   * @defaultValue `createLocalTimeouts(config.localTimeout)`
   */
  localTimeouts?: LocalTimeouts;
  /** Told when bookkeeping in the guard fails after a call (the call's own outcome stands). */
  onGuardError?: (error: unknown) => void;
}

const failedKey = (endpoint: string, model: string) => `${endpoint}\u0000${model}`;

/** Endpoint+model pairs that failed this job in this tier (the attempt history carries them). */
export const failedInTier = (data: Pick<PipelineJobData, 'history'>, tier: Tier): Set<string> =>
  new Set(
    (data.history ?? [])
      .filter((entry) => entry.tier === tier && entry.outcome === 'error' && entry.endpoint !== undefined)
      .map((entry) => failedKey(entry.endpoint!, entry.model)),
  );

/**
 * Picks a model for one call. Candidates are tried in config order (= preference), first
 * those that have not failed this job in this tier, then, once every one has, the others
 * again. A candidate is taken when a healthy endpoint serves it and the shared guard admits
 * the call: its breakers (endpoint, endpoint+model) are closed or let this call probe, its
 * provider is not paused after a 429 and has room in its rate-limit window. When nothing is
 * admitted only because providers are paused or at their limit, the answer is a wait (the
 * job is delayed without using an attempt); when nothing is left at all, `null`.
 *
 * For local tiers the runner passes the host whose slot it holds, so the call goes to that
 * host (local tiers never leave their local endpoints). A local call's timeout is the
 * tier's fixed one when set (`LOCAL_TIMEOUT_SEC`, `tiers.*.timeoutSec`), else derived from
 * its `maxTokens` and the model's speed on that host (see `createLocalTimeouts`).
 */
export const createModelSelector = (options: ModelSelectorOptions): ModelSelector => {
  const { config, guard } = options;
  const allIds = config.endpoints.map((endpoint) => endpoint.id);
  const localTimeouts = options.localTimeouts ?? createLocalTimeouts(config.localTimeout);
  const pauseWithoutRetryAfterMs = config.rateLimits.pauseWithoutRetryAfterSec * 1000;
  const quietly = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      options.onGuardError?.(error);
    }
  };

  const allowedEndpoints = (tier: Tier, candidateIndex: number, host: string | undefined) =>
    config.tiers[tier].candidates[candidateIndex].endpointIds.filter((id) => host === undefined || id === host);

  /** Candidates (index) with an endpoint this job has not failed on in this tier. */
  const freshCandidates = (tier: Tier, data: Pick<PipelineJobData, 'history'>, host: string | undefined) => {
    const failed = failedInTier(data, tier);
    return config.tiers[tier].candidates
      .map((candidate, index) => ({ candidate, index }))
      .filter(({ candidate, index }) => candidate.enabled && allowedEndpoints(tier, index, host).some((id) => !failed.has(failedKey(id, candidate.model))));
  };

  return {
    async choose(tier: Tier, data, host?: string): Promise<ModelChoice | SelectorWait | null> {
      const tierConfig = config.tiers[tier];
      const failed = failedInTier(data, tier);
      const waits: { untilMs: number; reason: string }[] = [];
      for (const pass of ['fresh', 'failed-before'] as const) {
        for (const [index, candidate] of tierConfig.candidates.entries()) {
          if (!candidate.enabled) continue;
          const eligible = allowedEndpoints(tier, index, host).filter((id) => failed.has(failedKey(id, candidate.model)) === (pass === 'failed-before'));
          const refused = new Set<string>();
          // Several endpoints may serve one candidate (Ollama hosts): the pool spreads load, the guard may refuse one.
          for (;;) {
            const exclude = allIds.filter((id) => !eligible.includes(id) || refused.has(id));
            if (exclude.length === allIds.length) break;
            const selection = await options.pool.select(candidate.model, { exclude });
            if (!selection) break;
            const target = { provider: selection.endpoint.provider, endpoint: selection.endpoint.id, model: candidate.model };
            const admission: GuardAdmission = guard ? await guard.admit(target, candidate.maxTokens) : { ok: true, ...target, slice: 0, tokens: candidate.maxTokens, probe: [] };
            if (!admission.ok) {
              refused.add(selection.endpoint.id);
              if (admission.cause === 'paused' || admission.cause === 'rate-limit') {
                waits.push({ untilMs: admission.retryAt, reason: `${selection.endpoint.id} ${admission.reason}` });
              }
              continue;
            }
            const fixedSec = tierConfig.timeoutSec ?? (selection.endpoint.local ? undefined : config.limits.apiTimeoutSec);
            const derived = fixedSec === undefined ? localTimeouts.timeoutFor(selection.endpoint.id, candidate.model, candidate.maxTokens) : undefined;
            const ticket = guard ? (admission as GuardTicket) : undefined;
            // A call admitted long before it is sent (a slow reservation) takes a fresh place in its provider's window first.
            const inner = selection.adapter;
            const adapter: typeof inner = ticket
              ? Object.assign(Object.create(inner) as typeof inner, {
                  chat: async (request: Parameters<typeof inner.chat>[0]) => {
                    await guard!.beforeSend(ticket, request.signal);
                    return inner.chat(request);
                  },
                })
              : inner;
            return {
              endpoint: selection.endpoint,
              adapter,
              model: candidate.model,
              maxTokens: candidate.maxTokens,
              timeoutMs: derived?.timeoutMs ?? fixedSec! * 1000,
              timeoutReason: derived?.reason ?? `fixed ${fixedSec} s`,
              ticket,
              probe: admission.probe.length > 0 ? admission.probe : undefined,
            };
          }
        }
      }
      if (waits.length === 0) return null;
      const soonest = waits.reduce((best, wait) => (wait.untilMs < best.untilMs ? wait : best));
      return { wait: { untilMs: soonest.untilMs, reason: waits.map((wait) => wait.reason).join('; ') } };
    },
    hasFreshCandidate: (tier, data, host) => freshCandidates(tier, data, host).length > 0,
    async answered(choice, result) {
      if (choice.endpoint.local) localTimeouts.observe(choice.endpoint.id, choice.model, result.generation);
      const ticket = choice.ticket;
      if (ticket) {
        const used = result.usage ? (result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0) : undefined;
        await quietly(() => guard!.succeeded(ticket, used));
      }
    },
    async failed(choice, error) {
      const advice = failoverAdviceFor(error, { pauseWithoutRetryAfterMs });
      const ticket = choice.ticket;
      if (ticket) {
        if (advice.endpointAnswered) await quietly(() => guard!.succeeded(ticket));
        else if (advice.guard.effect !== 'none') await quietly(() => guard!.failed(ticket, advice.guard));
        else await quietly(() => guard!.released(ticket));
      }
      return advice;
    },
    async notSent(choice) {
      if (choice.ticket) await quietly(() => guard!.released(choice.ticket!));
    },
    unreachable: (endpointId, reason) => options.pool.markUnhealthy(endpointId, reason),
  };
};

/** Local hosts and the local tiers each serves, from the config. */
export const localHostsOf = (config: EaioConfig, tiers: Tier[]) => {
  const hosts = new Map<string, { id: string; maxInFlight: number; tiers: Tier[] }>();
  // Drain local-quality first: its jobs have already spent a tier.
  const order: Tier[] = (['local-quality', 'local-fast'] as Tier[]).filter((tier) => tiers.includes(tier));
  for (const tier of order) {
    for (const candidate of config.tiers[tier].candidates) {
      if (!candidate.enabled) continue;
      for (const endpointId of candidate.endpointIds) {
        const endpoint = config.endpoints.find((entry) => entry.id === endpointId);
        if (!endpoint?.local) continue;
        const host = hosts.get(endpointId) ?? { id: endpointId, maxInFlight: endpoint.maxInFlight ?? config.limits.maxConcurrentLocal, tiers: [] };
        if (!host.tiers.includes(tier)) host.tiers.push(tier);
        hosts.set(endpointId, host);
      }
    }
  }
  return [...hosts.values()];
};
