import type { EaioConfig, Tier } from '@eaio/core';
import type { EndpointPool } from '@eaio/providers';
import { createLocalTimeouts, type LocalTimeouts } from './local-timeout';
import type { ModelChoice, ModelSelector } from './pipeline-ports';

export interface ModelSelectorOptions {
  config: EaioConfig;
  /**
   * The configured endpoints with their adapters and cached health (`/api/tags`,
   * `/v1/models`): an endpoint that is down, or does not list the model, is skipped.
   */
  pool: EndpointPool;
  /**
   * Derived local timeouts (rolling tokens/s per host and model, kept in this process).
   * @defaultValue `createLocalTimeouts(config.localTimeout)`
   */
  localTimeouts?: LocalTimeouts;
}

/**
 * Picks the first candidate of a tier (config order = preference) that a healthy endpoint
 * serves. For local tiers the runner passes the host whose slot it holds, so the call
 * goes to that host and its cap is the one counted. A local call's timeout is the tier's
 * fixed one when set (`LOCAL_TIMEOUT_SEC`, `tiers.*.timeoutSec`), else derived from its
 * `maxTokens` and the model's speed on that host (see `createLocalTimeouts`).
 */
export const createModelSelector = (options: ModelSelectorOptions): ModelSelector => {
  const allIds = options.config.endpoints.map((endpoint) => endpoint.id);
  const localTimeouts = options.localTimeouts ?? createLocalTimeouts(options.config.localTimeout);
  return {
    async choose(tier: Tier, _data, host?: string): Promise<ModelChoice | null> {
      const tierConfig = options.config.tiers[tier];
      for (const candidate of tierConfig.candidates) {
        if (!candidate.enabled) continue;
        const allowed = candidate.endpointIds.filter((id) => host === undefined || id === host);
        if (allowed.length === 0) continue;
        const selection = await options.pool.select(candidate.model, { exclude: allIds.filter((id) => !allowed.includes(id)) });
        if (!selection) continue;
        const fixedSec = tierConfig.timeoutSec ?? (selection.endpoint.local ? undefined : options.config.limits.apiTimeoutSec);
        const derived = fixedSec === undefined ? localTimeouts.timeoutFor(selection.endpoint.id, candidate.model, candidate.maxTokens) : undefined;
        return {
          endpoint: selection.endpoint,
          adapter: selection.adapter,
          model: candidate.model,
          maxTokens: candidate.maxTokens,
          timeoutMs: derived?.timeoutMs ?? fixedSec! * 1000,
          timeoutReason: derived?.reason ?? `fixed ${fixedSec} s`,
        };
      }
      return null;
    },
    answered(choice, result) {
      if (choice.endpoint.local) localTimeouts.observe(choice.endpoint.id, choice.model, result.generation);
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
