import { matchEndpoints, type EaioConfig, type Logger } from '@eaio/core';
import { checkProviders, createAdapter, formatGuardReport, formatProvidersReport, type AdapterFactory, type GuardReport, type ProviderCheck } from '@eaio/providers';
import { retirementNotice } from '@eaio/spend';

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

/**
 * Endpoint id → models the tiers name on it, disabled endpoints included (a retired
 * model in the config is worth a warning before its key is ever set).
 */
const namedModelsByEndpoint = (config: EaioConfig): Record<string, string[]> => {
  const byEndpoint: Record<string, string[]> = {};
  for (const tier of Object.values(config.tiers)) {
    for (const candidate of tier.candidates) {
      for (const { id } of matchEndpoints(candidate.endpoint, config.endpoints)) {
        byEndpoint[id] ??= [];
        if (!byEndpoint[id].includes(candidate.model)) byEndpoint[id].push(candidate.model);
      }
    }
  }
  return byEndpoint;
};

export interface CheckConfiguredModelsOptions {
  /** @defaultValue `new Date()` */
  now?: Date;
  /** @defaultValue createAdapter */
  adapterFactory?: AdapterFactory;
  /** @defaultValue 5000 */
  timeoutMs?: number;
}

/**
 * Every configured endpoint's reachability, models, the configured models it does not
 * list, and configured models the retirement table (`@eaio/spend`) has a date for.
 */
export const checkConfiguredModels = (config: EaioConfig, options: CheckConfiguredModelsOptions = {}): Promise<ProviderCheck[]> => {
  const now = options.now ?? new Date();
  return checkProviders(config.endpoints, namedModelsByEndpoint(config), options.adapterFactory ?? ((endpoint) => createAdapter(endpoint)), {
    timeoutMs: options.timeoutMs,
    modelNotice: (provider, model) => retirementNotice(provider, model, now),
  });
};

/**
 * Worker start-up: one log line per configured model an enabled, reachable endpoint does
 * not list (error) and per configured model that is retired (error) or deprecated (warn),
 * so a bad model shows when the workers start, not as failed calls.
 */
export const logModelProblems = (report: readonly ProviderCheck[], log: Pick<Logger, 'warn' | 'error'>): number => {
  let problems = 0;
  for (const check of report) {
    if (check.enabled && check.reachable && check.missingModels.length > 0) {
      problems += 1;
      log.error(
        { endpoint: check.endpointId, models: check.missingModels },
        `${check.endpointId} does not list configured model(s) ${check.missingModels.join(', ')}; calls to them will fail`,
      );
    }
    for (const notice of check.modelNotices) {
      if (notice.status === 'scheduled') continue;
      problems += 1;
      const fields = { endpoint: check.endpointId, model: notice.model, status: notice.status, replacement: notice.replacement };
      if (notice.status === 'retired') log.error(fields, notice.message);
      else log.warn(fields, notice.message);
    }
  }
  return problems;
};

/** `eaio providers check`: every configured endpoint, reachable or not, its models, the configured ones it lacks, and retired or deprecated configured models. */
export const runProvidersCheck = async (
  config: EaioConfig,
  out: NodeJS.WritableStream = process.stdout,
  options: CheckConfiguredModelsOptions & { guard?: () => Promise<GuardReport> } = {},
): Promise<number> => {
  const report = await checkConfiguredModels(config, options);
  out.write(`${formatProvidersReport(report)}\n`);
  // The workers' shared circuit breakers, 429 pauses and rate-limit windows (Redis or PostgreSQL).
  if (options.guard) {
    const guard = await options.guard().then(formatGuardReport, (error: unknown) => `circuit breakers: not readable (${error instanceof Error ? error.message : String(error)})`);
    out.write(`\n${guard}\n`);
  }
  return report.some((entry) => entry.reachable) ? 0 : 1;
};
