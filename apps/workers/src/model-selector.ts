import type { EaioConfig, Tier } from '@eaio/core';
import type { EndpointConfig, ProviderAdapter } from '@eaio/providers';
import type { ModelChoice, ModelSelector } from './pipeline-ports';

export interface ModelSelectorOptions {
  config: EaioConfig;
  /** One adapter per enabled endpoint id. */
  adapters: Map<string, ProviderAdapter>;
  /** Health as last seen (endpoint id → healthy); unknown counts as healthy. */
  isHealthy?: (endpointId: string) => boolean;
  /** True when a job's content would not fit the candidate's context window. */
  fits?: (candidate: { contextWindow: number }, promptChars: number) => boolean;
}

/**
 * Picks the first enabled, healthy candidate of a tier (config order = preference).
 * For local tiers the runner passes the host whose slot it holds, so the call goes to
 * that host and its cap is the one counted.
 */
export const createModelSelector = (options: ModelSelectorOptions): ModelSelector => {
  const healthy = options.isHealthy ?? (() => true);
  return {
    async choose(tier: Tier, _data, host?: string): Promise<ModelChoice | null> {
      const tierConfig = options.config.tiers[tier];
      for (const candidate of tierConfig.candidates) {
        if (!candidate.enabled) continue;
        for (const endpointId of candidate.endpointIds) {
          if (host !== undefined && endpointId !== host) continue;
          const adapter = options.adapters.get(endpointId);
          if (!adapter || !healthy(endpointId)) continue;
          return {
            endpoint: adapter.endpoint as EndpointConfig,
            adapter,
            model: candidate.model,
            maxTokens: candidate.maxTokens,
            timeoutMs: tierConfig.timeoutSec * 1000,
          };
        }
      }
      return null;
    },
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
