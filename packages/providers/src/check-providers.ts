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
  /** Why it is unreachable or disabled (never holds a key). */
  error?: string;
}

export interface CheckProvidersOptions {
  /** Per endpoint. @defaultValue 5000 */
  timeoutMs?: number;
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
      const base = {
        endpointId: endpoint.id,
        provider: endpoint.provider,
        kind: endpoint.kind,
        baseUrl: endpoint.baseUrl,
        local: endpoint.local,
        configuredModels: configured,
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
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
};

const statusOf = (check: ProviderCheck): string => (!check.enabled ? 'disabled' : check.reachable ? (check.missingModels.length > 0 ? 'missing models' : 'ok') : 'unreachable');

/** The table `eaio providers check` prints, then one line per problem. */
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
    check.missingModels.length > 0 ? check.missingModels.join(', ') : '-',
  ]);
  const problems = report
    .filter((check) => check.error !== undefined || (check.reachable && check.missingModels.length > 0))
    .map((check) =>
      check.error !== undefined
        ? `${check.endpointId}: ${check.error}`
        : `${check.endpointId}: lacks ${check.missingModels.join(', ')}${check.kind === 'ollama' ? ` (ollama pull ${check.missingModels[0]})` : ''}`,
    );
  const reachable = report.filter((check) => check.reachable).length;
  return [...pad([header, ...rows]), '', `${reachable} of ${report.length} endpoints reachable`, ...problems].join('\n');
};
