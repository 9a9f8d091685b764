import { TIERS, isLocalTier, type Tier } from '../types';
import type { FileConfig } from './config-schema';
import type { ConfigIssue } from './config-error';
import type { EaioConfig, EndpointConfig, ModelCandidate, TierConfig } from './config-types';
import { readEnv } from './env-variables';
import { openAiOrganization, resolvePrivacy } from './privacy-config';

type Env = Readonly<Record<string, string | undefined>>;
type Issue = Omit<ConfigIssue, 'source'>;

const resolveEndpoint = (endpoint: FileConfig['endpoints'][number], file: FileConfig, env: Env): EndpointConfig => {
  const apiKey = endpoint.apiKeyEnv === undefined ? undefined : readEnv(env, endpoint.apiKeyEnv);
  const resolved: EndpointConfig = {
    id: endpoint.id,
    provider: endpoint.provider,
    kind: endpoint.kind,
    baseUrl: endpoint.baseUrl ?? '',
    local: endpoint.local,
    enabled: true,
  };
  if (apiKey !== undefined) resolved.apiKey = apiKey;
  if (endpoint.apiKeyEnv !== undefined) resolved.apiKeyEnv = endpoint.apiKeyEnv;
  const maxInFlight = endpoint.maxInFlight ?? (endpoint.local ? file.limits.maxConcurrentLocal : undefined);
  if (maxInFlight !== undefined) resolved.maxInFlight = maxInFlight;
  if (endpoint.unsupportedParams !== undefined) resolved.unsupportedParams = [...endpoint.unsupportedParams];
  if (endpoint.headers !== undefined) resolved.headers = { ...endpoint.headers };
  const organization = endpoint.provider === 'openai' ? (openAiOrganization(env) ?? endpoint.organization) : endpoint.organization;
  if (organization !== undefined) resolved.organization = organization;

  if (endpoint.baseUrl === undefined) {
    resolved.enabled = false;
    resolved.disabledReason = endpoint.provider === 'local-openai' ? 'no base URL: set LOCAL_OPENAI_BASE_URL' : `no base URL: set endpoints[id=${endpoint.id}].baseUrl`;
  } else if (!endpoint.local && endpoint.apiKeyEnv !== undefined && apiKey === undefined) {
    resolved.enabled = false;
    resolved.disabledReason = `no API key: set ${endpoint.apiKeyEnv}`;
  }
  if (!endpoint.local && file.privacy.strategy === 'local') {
    resolved.enabled = false;
    resolved.disabledReason = 'LLM_STRATEGY=local (privacy.strategy: local): no paid API is ever called';
  }
  return resolved;
};

/** Endpoints a candidate's `endpoint` names: the one with that id, else all of that provider. */
export const matchEndpoints = (reference: string, endpoints: readonly EndpointConfig[]): EndpointConfig[] => {
  const byId = endpoints.filter((endpoint) => endpoint.id === reference);
  return byId.length > 0 ? byId : endpoints.filter((endpoint) => endpoint.provider === reference);
};

const resolveTier = (tier: Tier, file: FileConfig, endpoints: EndpointConfig[], issues: Issue[]): TierConfig => {
  const local = isLocalTier(tier);
  const fileTier = file.tiers[tier];
  const candidates = fileTier.candidates.map((candidate, index): ModelCandidate => {
    const path = `tiers.${tier}.candidates[${index}].endpoint`;
    const matched = matchEndpoints(candidate.endpoint, endpoints);
    if (matched.length === 0) {
      issues.push({
        path,
        message: `no endpoint has id or provider "${candidate.endpoint}"`,
        hint: `Use one of: ${[...new Set(endpoints.flatMap((endpoint) => [endpoint.id, endpoint.provider]))].join(', ') || '(no endpoints defined)'}, or add the endpoint under "endpoints".`,
      });
    }
    const wrongPlace = matched.filter((endpoint) => endpoint.local !== local);
    if (wrongPlace.length > 0) {
      issues.push({
        path,
        message: local
          ? `local tier "${tier}" names paid endpoint(s) ${wrongPlace.map((endpoint) => endpoint.id).join(', ')}; PRIVATE jobs run on local tiers`
          : `api tier names local endpoint(s) ${wrongPlace.map((endpoint) => endpoint.id).join(', ')}`,
        hint: local ? 'Move the candidate to tiers.api, or mark the endpoint local: true if it really runs on your hardware.' : 'Move the candidate to a local tier.',
      });
    }
    const enabled = matched.filter((endpoint) => endpoint.enabled);
    return { ...candidate, endpointIds: enabled.map((endpoint) => endpoint.id), enabled: enabled.length > 0 };
  });
  return {
    candidates,
    timeoutSec: fileTier.timeoutSec ?? (local ? file.limits.localTimeoutSec : file.limits.apiTimeoutSec),
    concurrency: fileTier.concurrency ?? (local ? file.limits.maxConcurrentLocal : file.limits.maxConcurrentApi),
    available: candidates.some((candidate) => candidate.enabled),
  };
};

/**
 * Turns the validated file config into `EaioConfig`: resolves API keys from env,
 * enables/disables endpoints, resolves tier candidates and defaults, and checks the
 * cross-field rules the schema cannot (unique ids, known endpoints, local tiers
 * only on local endpoints). Problems come back as issues, not thrown.
 */
export const resolveConfig = (file: FileConfig, env: Env, source: string | undefined): { config: EaioConfig; issues: Issue[] } => {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  file.endpoints.forEach((endpoint, index) => {
    if (seen.has(endpoint.id)) {
      issues.push({ path: `endpoints[${index}].id`, message: `duplicate endpoint id "${endpoint.id}"`, hint: 'Give every endpoint its own id.' });
    }
    seen.add(endpoint.id);
  });
  const endpoints = file.endpoints.map((endpoint) => resolveEndpoint(endpoint, file, env));
  const tiers = Object.fromEntries(TIERS.map((tier) => [tier, resolveTier(tier, file, endpoints, issues)])) as Record<Tier, TierConfig>;

  if (file.routing.localQualityAbove > file.routing.apiAbove) {
    issues.push({
      path: 'routing.localQualityAbove',
      message: `localQualityAbove (${file.routing.localQualityAbove}) is above apiAbove (${file.routing.apiAbove})`,
      hint: 'Keep routing.localQualityAbove <= routing.apiAbove so complexity climbs the tiers in order.',
    });
  }
  if (file.retries.backoffBaseMs > file.retries.backoffMaxMs) {
    issues.push({
      path: 'retries.backoffBaseMs',
      message: `backoffBaseMs (${file.retries.backoffBaseMs}) exceeds backoffMaxMs (${file.retries.backoffMaxMs})`,
      hint: 'Raise retries.backoffMaxMs or lower retries.backoffBaseMs.',
    });
  }

  const config: EaioConfig = {
    source,
    logLevel: file.logLevel,
    connections: { redisUrl: file.connections.redisUrl, databaseUrl: file.connections.databaseUrl },
    board: { port: file.board.port, token: file.board.token, tokenName: file.board.tokenName, reviewerTokens: file.board.reviewerTokens, adminToken: file.board.adminToken },
    intake: { ...file.intake, readings: { ...file.intake.readings } },
    limits: { ...file.limits, localTimeoutSec: file.limits.localTimeoutSec },
    localTimeout: { ...file.localTimeout, models: { ...file.localTimeout.models } },
    endpoints,
    tiers,
    routing: { ...file.routing, taskTypes: { ...file.routing.taskTypes } },
    quality: {
      defaultThreshold: file.quality.defaultThreshold,
      thresholds: { ...file.quality.thresholds },
      repairsPerTier: file.quality.repairsPerTier,
      formatRetries: file.quality.formatRetries,
    },
    retries: { ...file.retries, attemptsPerTier: { ...file.retries.attemptsPerTier } },
    budgets: {
      monthlyUsd: file.budgets.monthlyUsd,
      dailyUsd: file.budgets.dailyUsd,
      perProvider: normalizeCaps(file.budgets.perProvider),
      perTenant: normalizeCaps(file.budgets.perTenant),
      alertThreshold: file.budgets.alertThreshold,
      alertWebhookUrl: file.budgets.alertWebhookUrl,
      localOnlyBelowShare: file.budgets.localOnlyBelowShare,
      maxReservationShare: file.budgets.maxReservationShare,
      onExhausted: file.budgets.onExhausted,
      tokenEstimate: { margin: file.budgets.tokenEstimate.margin, providerFactors: { ...file.budgets.tokenEstimate.providerFactors } },
    },
    report: { ...file.report, referenceModel: { ...file.report.referenceModel } },
    recovery: { ...file.recovery },
    circuitBreaker: { ...file.circuitBreaker },
    rateLimits: { ...file.rateLimits, providers: structuredClone(file.rateLimits.providers) },
    privacy: resolvePrivacy(file.privacy, env, issues),
    tenants: { tokens: file.tenants.tokens, privacy: file.tenants.privacy },
    batchApi: { ...file.batchApi, priceShare: { ...file.batchApi.priceShare } },
    prices: structuredClone(file.prices),
  };
  return { config, issues };
};

const normalizeCaps = (caps: FileConfig['budgets']['perTenant']): EaioConfig['budgets']['perTenant'] =>
  Object.fromEntries(Object.entries(caps).map(([key, value]) => [key, { monthlyUsd: value.monthlyUsd, dailyUsd: value.dailyUsd }]));

/** Tiers with at least one enabled model: the `availableTiers` routing needs. */
export const availableTiers = (config: Pick<EaioConfig, 'tiers'>): Tier[] => TIERS.filter((tier) => config.tiers[tier].available);
