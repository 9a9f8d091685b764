import type { EaioConfig } from '@eaio/core';
import { checkProviders, createAdapter, formatProvidersReport } from '@eaio/providers';

/** Endpoint id → the models the tiers name on it. */
export const configuredModelsByEndpoint = (config: EaioConfig): Record<string, string[]> => {
  const byEndpoint: Record<string, string[]> = {};
  for (const tier of Object.values(config.tiers)) {
    for (const candidate of tier.candidates) {
      for (const id of candidate.endpointIds) {
        byEndpoint[id] ??= [];
        if (!byEndpoint[id].includes(candidate.model)) byEndpoint[id].push(candidate.model);
      }
    }
  }
  return byEndpoint;
};

/** `eaio providers check`: every configured endpoint, reachable or not, its models and the configured ones it lacks. */
export const runProvidersCheck = async (config: EaioConfig, out: NodeJS.WritableStream = process.stdout): Promise<number> => {
  const report = await checkProviders(config.endpoints, configuredModelsByEndpoint(config), (endpoint) => createAdapter(endpoint));
  out.write(`${formatProvidersReport(report)}\n`);
  return report.some((entry) => entry.reachable) ? 0 : 1;
};
