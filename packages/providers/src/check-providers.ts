import type { AdapterFactory } from './create-adapter';
import { servesModel } from './model-names';
import type { EndpointConfig } from './types';

/** One endpoint's line in `eaio providers check`. */
export interface ProviderCheck {
  endpointId: string;
  provider: string;
  kind: EndpointConfig['kind'];
  baseUrl: string;
  local: boolean;
  /** `false` when the config disabled the endpoint (it was not contacted). */
  enabled: boolean;
  reachable: boolean;
  latencyMs?: number;
  /** Models the endpoint lists. */
  models: string[];
  /** Models the configuration names on this endpoint. */
  configuredModels: string[];
  /** Configured models the endpoint does not list (all of them when unreachable). */
  missingModels: string[];
  /** Configured models the lifecycle lookup has something to say about (deprecated, retired). */
  modelNotices: ModelNotice[];
  /** Why it is unreachable or disabled (never holds a key). */
  error?: string;
}

/** A configured model's lifecycle: from the dated retirement table kept with the price snapshot. */
export interface ModelNotice {
  model: string;
  /** `retired` = requests fail; `deprecated` = retirement announced; `scheduled` = a current model's published end date. */
  status: 'retired' | 'deprecated' | 'scheduled';
  /** One line, with the replacement when one is known. */
  message: string;
  replacement?: string;
}

export interface CheckProvidersOptions {
  /** Per endpoint. @defaultValue 5000 */
  timeoutMs?: number;
  /**
   * What is known about a model's lifecycle (`@eaio/spend`'s `retirementNotice` at the
   * current date fits); `undefined` = nothing. @defaultValue no lookup
   */
  modelNotice?: (provider: string, model: string) => Omit<ModelNotice, 'model'> | undefined;
}

/**
 * Contacts every enabled endpoint at once (its model listing), and reports reachability,
 * latency, the models served and the configured models it lacks.
 *
 * @param configuredModels endpoint id → model names the tiers name on it.
 */
export const checkProviders = async (
  endpoints: readonly EndpointConfig[],
  configuredModels: Record<string, string[]>,
  adapterFactory: AdapterFactory,
  options: CheckProvidersOptions = {},
): Promise<ProviderCheck[]> =>
  Promise.all(
    endpoints.map(async (endpoint): Promise<ProviderCheck> => {
      const configured = configuredModels[endpoint.id] ?? [];
      const modelNotices = configured.flatMap((model) => {
        const notice = options.modelNotice?.(endpoint.provider, model);
        return notice ? [{ model, status: notice.status, message: notice.message, replacement: notice.replacement }] : [];
      });
      const base = {
        endpointId: endpoint.id,
        provider: endpoint.provider,
        kind: endpoint.kind,
        baseUrl: endpoint.baseUrl,
        local: endpoint.local,
        configuredModels: configured,
        modelNotices,
      };
      if (endpoint.enabled === false) {
        return { ...base, enabled: false, reachable: false, models: [], missingModels: configured, error: endpoint.disabledReason ?? 'disabled' };
      }
      const health = await adapterFactory(endpoint).checkHealth({ timeoutMs: options.timeoutMs ?? 5_000 });
      return {
        ...base,
        enabled: true,
        reachable: health.ok,
        latencyMs: health.latencyMs,
        models: health.models,
        missingModels: configured.filter((model) => !health.ok || !servesModel(health.models, model)),
        error: health.error,
      };
    }),
  );

const pad = (rows: string[][]): string[] => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
};

const statusOf = (check: ProviderCheck): string =>
  !check.enabled
    ? 'disabled'
    : !check.reachable
      ? 'unreachable'
      : check.missingModels.length > 0
        ? 'missing models'
        : check.modelNotices.some((notice) => notice.status === 'retired')
          ? 'retired models'
          : check.modelNotices.some((notice) => notice.status === 'deprecated')
            ? 'deprecated models'
            : 'ok';

/** `lacks …` for a reachable endpoint without some configured models, with the way out for each. */
const lacksLine = (check: ProviderCheck): string => {
  const hints = check.missingModels.map((model) => {
    const notice = check.modelNotices.find((item) => item.model === model);
    if (notice?.replacement) return `${model} (${notice.status}; use ${notice.replacement})`;
    return check.kind === 'ollama' ? `${model} (ollama pull ${model})` : model;
  });
  return `${check.endpointId}: lacks ${hints.join(', ')}`;
};

/**
 * The table `eaio providers check` prints, then one line per problem: unreachable or
 * disabled endpoints, configured models an endpoint does not list, and configured models
 * past (or nearing) a known retirement date with the replacement.
 */
export const formatProvidersReport = (report: readonly ProviderCheck[]): string => {
  const header = ['ENDPOINT', 'PROVIDER', 'KIND', 'URL', 'STATUS', 'LATENCY', 'MODELS', 'MISSING'];
  const rows = report.map((check) => [
    check.endpointId,
    check.provider,
    check.kind,
    check.baseUrl || '-',
    statusOf(check),
    check.latencyMs === undefined || !check.enabled ? '-' : `${check.latencyMs} ms`,
    check.reachable ? String(check.models.length) : '-',
    check.enabled && check.missingModels.length > 0 ? check.missingModels.join(', ') : '-',
  ]);
  const problems = report.flatMap((check) => [
    ...(check.error !== undefined ? [`${check.endpointId}: ${check.error}`] : []),
    ...(check.reachable && check.missingModels.length > 0 ? [lacksLine(check)] : []),
    ...check.modelNotices.filter((notice) => notice.status !== 'scheduled').map((notice) => `${check.endpointId}: ${notice.message}`),
  ]);
  const reachable = report.filter((check) => check.reachable).length;
  return [...pad([header, ...rows]), '', `${reachable} of ${report.length} endpoints reachable`, ...problems].join('\n');
};

/** What the shared provider guard holds (`ProviderGuard.snapshot()` in `@eaio/queues`), as printed. */
export interface GuardReport {
  breakers: { key: string; state: string; failures: number; opens: number; retryAt?: number; lastError?: string }[];
  pauses: { provider: string; until: number; reason: string }[];
  requestsInWindow: Record<string, number>;
}

/** The circuit breakers (per endpoint, per endpoint+model), 429 pauses and rate-limit windows every worker shares. */
export const formatGuardReport = (report: GuardReport, now = Date.now()): string => {
  const time = (at: number | undefined) => (at === undefined ? '-' : `${new Date(at).toISOString().slice(11, 19)} (${Math.max(0, Math.round((at - now) / 1000))} s)`);
  const lines =
    report.breakers.length === 0
      ? ['circuit breakers: none has seen a failure (all closed)']
      : pad([
          ['BREAKER', 'STATE', 'FAILURES', 'OPENED', 'PROBE AT', 'LAST ERROR'],
          ...report.breakers.map((breaker) => [
            breaker.key,
            breaker.state,
            String(breaker.failures),
            `${breaker.opens}x`,
            breaker.state === 'open' ? time(breaker.retryAt) : '-',
            breaker.lastError?.slice(0, 80) ?? '-',
          ]),
        ]);
  for (const pause of report.pauses) lines.push(`${pause.provider}: paused until ${time(pause.until)}: ${pause.reason.slice(0, 120)}`);
  for (const [provider, count] of Object.entries(report.requestsInWindow)) lines.push(`${provider}: ${count} requests in its current rate-limit window`);
  return lines.join('\n');
};
