import type { PrivacyLevel, TaskType, Tier } from '../types';
import type { BatchApiConfig } from './batch-api-config';
import type { PrivacyConfig } from './privacy-config';
import type { TenantsConfig } from './tenant-config';

/**
 * The validated, resolved eaio configuration: the YAML file, then environment
 * variables, then explicit overrides, checked by zod and with API keys resolved.
 *
 * Secrets (`endpoints[].apiKey`, `board.token`, passwords inside URLs, the alert
 * webhook) live here; print a config only through `redactConfig()`.
 */
export interface EaioConfig {
  /** Where the YAML came from (`undefined` when none was read). */
  source: string | undefined;
  /** pino level. Env `LOG_LEVEL`. @defaultValue `'info'` */
  logLevel: LogLevel;
  connections: ConnectionsConfig;
  board: BoardConfig;
  intake: IntakeConfig;
  limits: LimitsConfig;
  localTimeout: LocalTimeoutConfig;
  /** Every inference endpoint, local and paid, enabled or not (see `EndpointConfig.enabled`). */
  endpoints: EndpointConfig[];
  tiers: Record<Tier, TierConfig>;
  routing: RoutingConfig;
  quality: QualityConfig;
  retries: RetriesConfig;
  budgets: BudgetsConfig;
  report: ReportConfig;
  recovery: RecoveryConfig;
  circuitBreaker: CircuitBreakerConfig;
  rateLimits: RateLimitsConfig;
  /** LLM_STRATEGY, ALLOW_API_FOR_AGGREGATED, AUDIT_ALL_API_CALLS and the anonymisation of ENHANCED data. */
  privacy: PrivacyConfig;
  /** Tenant tokens (intake and results API scoped to one tenant) and per-tenant default privacy. */
  tenants: TenantsConfig;
  /** Provider batch endpoints for deadline batches (`eaio submit --deadline`). */
  batchApi: BatchApiConfig;
  /**
   * USD prices per million tokens keyed by model name (or `provider/model` to
   * disambiguate); overrides whatever built-in price table the spend code holds.
   * @defaultValue `{}`
   */
  prices: Record<string, ModelPrice>;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ConnectionsConfig {
  /** Redis for the queues. Env `REDIS_URL`. `undefined` = queues on PostgreSQL. @defaultValue `undefined` */
  redisUrl: string | undefined;
  /** PostgreSQL for results and spend. Env `DATABASE_URL`. `undefined` = embedded PostgreSQL. @defaultValue `undefined` */
  databaseUrl: string | undefined;
}

export interface BoardConfig {
  /** HTTP port of Bull Board / dashboard / metrics. Env `BOARD_PORT`. @defaultValue `3000` */
  port: number;
  /** Bearer token the board requires. Env `BOARD_TOKEN`. `undefined` = board refuses to start. @defaultValue `undefined` */
  token: string | undefined;
  /** Name recorded for decisions taken with `token` (review desk). Env `BOARD_TOKEN_NAME`. @defaultValue `'board'` */
  tokenName: string;
  /**
   * More tokens that open the board, by the name each decision is recorded under
   * (`name → token`, 16+ characters). Env `BOARD_REVIEWER_TOKENS` as `name=token,name=token`.
   * @defaultValue `{}`
   */
  reviewerTokens: Record<string, string>;
  /**
   * Token that may change job data through Bull Board (add, edit-data, clean, obliterate);
   * every other board token reads, retries and promotes only. Env `BOARD_ADMIN_TOKEN`.
   * `undefined` = nobody may. @defaultValue `undefined`
   */
  adminToken: string | undefined;
}

/** What `eaio submit` and the HTTP intake (`eaio serve`) accept, and how much they say about the rest. */
export interface IntakeConfig {
  /** Largest HTTP request body, MB; a larger one is answered 413 (JSON) without reading it whole. Env `INTAKE_MAX_BODY_MB`. @defaultValue `100` */
  maxBodyMb: number;
  /**
   * Issues listed one by one in a submission's answer (HTTP response, `SubmitResult.issues`);
   * all of them are still counted by kind and severity. Env `INTAKE_MAX_ISSUES`. @defaultValue `100`
   */
  maxIssuesListed: number;
  /** Longest JSONL line read, bytes; a longer one is skipped and reported. @defaultValue `4194304` (4 MiB) */
  maxLineBytes: number;
  /** Physical plausibility of meter readings: a reading above a limit is reported and counts as missing. */
  readings: {
    /** Most kWh one meter may record in one hour. @defaultValue `100000` */
    maxKwhPerHour: number;
    /** Most kWh per m² of floor area in one hour, where the metadata gives an area. @defaultValue `2` */
    maxKwhPerHourPerSqm: number;
  };
}

export interface LimitsConfig {
  /** In-flight cap per local inference host (shared by both local tiers). Env `MAX_CONCURRENT_LOCAL`. @defaultValue `2` */
  maxConcurrentLocal: number;
  /** Concurrency of the api tier. Env `MAX_CONCURRENT_API`. @defaultValue `10` */
  maxConcurrentApi: number;
  /**
   * Fixed request timeout for local tiers, seconds; overrides the derived one
   * (`localTimeout`). Env `LOCAL_TIMEOUT_SEC`. @defaultValue `undefined` (derived)
   */
  localTimeoutSec: number | undefined;
  /** Request timeout for the api tier, seconds. Env `API_TIMEOUT_SEC`. @defaultValue `30` */
  apiTimeoutSec: number;
  /**
   * Lifetime of a local host's slot lease, ms. Its owner renews it every quarter of that (a
   * heartbeat), so a killed worker's slots are free again this long after it died.
   * Env `SLOT_LEASE_MS`. @defaultValue `4000`
   */
  slotLeaseMs: number;
}

/**
 * How a local call's timeout is derived when no fixed one is set:
 * `min(maxSec, max(minSec, firstTokenSec + load + safetyFactor × maxTokens / tokensPerSecond))`,
 * where `tokensPerSecond` is the rolling figure measured for the host and model (Ollama's
 * `eval_count / eval_duration`) once `minSamples` calls reported it, else the configured
 * one for `host/model` or `model`, else `tokensPerSecond`; `load` is `modelLoadSec` unless
 * the host answered for the model within `keepAlive`.
 */
export interface LocalTimeoutConfig {
  /** Assumed output speed, tokens/s, for models neither configured nor measured yet. @defaultValue `20` */
  tokensPerSecond: number;
  /** Output speed per `model` or `host/model` (e.g. `ollama-1/qwen2.5:7b-instruct`). @defaultValue `{}` */
  models: Record<string, number>;
  /** Time to first token (prompt evaluation), seconds. @defaultValue `10` */
  firstTokenSec: number;
  /** Allowance for loading a model that is not loaded, seconds. @defaultValue `60` */
  modelLoadSec: number;
  /** Ollama `keep_alive` sent with every call (`"30m"`, `"1h"`, seconds as a number, `-1` = for ever, `0` = unload at once). Env `OLLAMA_KEEP_ALIVE`. @defaultValue `'30m'` */
  keepAlive: string | number;
  /** Multiplies the expected generation time. @defaultValue `1.5` */
  safetyFactor: number;
  /** @defaultValue `30` */
  minSec: number;
  /** @defaultValue `900` */
  maxSec: number;
  /** Calls the rolling speed figure spans, per host and model. @defaultValue `20` */
  rollingSamples: number;
  /** Measured calls needed before the measured figure replaces the configured one. @defaultValue `3` */
  minSamples: number;
}

/** Wire API family an endpoint speaks. */
export const PROVIDER_KINDS = ['ollama', 'openai-compatible', 'anthropic', 'gemini'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** One inference endpoint; the shape `@eaio/providers` adapters take (docs/contracts.md). */
export interface EndpointConfig {
  /** Unique id, e.g. `ollama-1`, `openai`, `deepseek`, `local-openai`. */
  id: string;
  /** `ollama` | `openai` | `deepseek` | `local-openai` | `anthropic` | `gemini` (free text for others). */
  provider: string;
  kind: ProviderKind;
  /** e.g. `http://127.0.0.1:11434`, `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Resolved from `apiKeyEnv`; never logged. */
  apiKey?: string;
  /** Name of the env variable holding the key. A paid endpoint without its key is disabled. */
  apiKeyEnv?: string;
  /** Local endpoints cost $0 and share an in-flight cap per host. */
  local: boolean;
  /** In-flight cap for this host. @defaultValue `limits.maxConcurrentLocal` for local endpoints, `undefined` otherwise */
  maxInFlight?: number;
  /** Request params the endpoint rejects, e.g. `['seed', 'response_format.json_schema']`. */
  unsupportedParams?: string[];
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** OpenAI organization (`OpenAI-Organization` header) of an `openai` endpoint. Env `OPENAI_ORG_ID`. */
  organization?: string;
  /** False for a paid endpoint without its key, or a local OpenAI-compatible one without a base URL. */
  enabled: boolean;
  /** Why `enabled` is false (names the env variable to set). */
  disabledReason?: string;
}

/** One model a tier may use, tried in order. */
export interface ModelCandidate {
  /** An endpoint id, or a provider name meaning every endpoint of that provider (e.g. `ollama` = all Ollama hosts). */
  endpoint: string;
  model: string;
  /** Output token cap for one call. @defaultValue `1024` */
  maxTokens: number;
  /** Context window of the model in tokens. @defaultValue `8192` */
  contextWindow: number;
  /** Ids of the endpoints `endpoint` resolved to (enabled ones only). */
  endpointIds: string[];
  /** True when at least one of those endpoints is enabled. */
  enabled: boolean;
}

export interface TierConfig {
  /** Ordered candidates, first preferred. */
  candidates: ModelCandidate[];
  /**
   * Request timeout, seconds. `undefined` for a local tier without a fixed one: the workers
   * derive it per call (`localTimeout`). @defaultValue `limits.localTimeoutSec` / `limits.apiTimeoutSec`
   */
  timeoutSec: number | undefined;
  /** Worker concurrency for this tier's queue. @defaultValue `limits.maxConcurrentLocal` / `limits.maxConcurrentApi` */
  concurrency: number;
  /** True when at least one candidate is enabled. */
  available: boolean;
}

/** Complexity thresholds (scores 0..1, inclusive lower bounds). */
export interface RoutingThresholds {
  /** Complexity at or above which a job starts at `local-quality`. @defaultValue `0.35` */
  localQualityAbove: number;
  /** Complexity at or above which an ENHANCED job starts at `api`. @defaultValue `0.8` */
  apiAbove: number;
  /** Complexity at or above which a PUBLIC job starts at `api`. @defaultValue `0.55` */
  publicPreferApiAbove: number;
}

/** Per task type adjustments; unset fields fall back to the global ones. */
export interface TaskRoutingOverride extends Partial<RoutingThresholds> {
  /** Never start below this tier (e.g. `local-quality` for retrofit plans). */
  minTier?: Tier;
}

export interface RoutingConfig extends RoutingThresholds {
  /** Privacy of jobs that state none. Env `DEFAULT_PRIVACY_LEVEL`. @defaultValue `'PRIVATE'` */
  defaultPrivacy: PrivacyLevel;
  /** Kill switch: no job goes to a paid API. Env `EMERGENCY_LOCAL_ONLY`. @defaultValue `false` */
  emergencyLocalOnly: boolean;
  /** @defaultValue `{}` */
  taskTypes: Partial<Record<TaskType, TaskRoutingOverride>>;
  /** Starting tiers learned from the attempts history (see `adaptStart` in `@eaio/routing`). */
  adaptive: AdaptiveRoutingConfig;
  /** Reuse of kept results for the same facts, analysis type, prompt version and tier. */
  cache: ResponseCacheConfig;
}

export interface AdaptiveRoutingConfig {
  /** Start each job at the tier with the lowest expected cost under observed pass rates. Env `ROUTING_ADAPTIVE`. @defaultValue `false` */
  enabled: boolean;
  /** Visits a tier needs, per (analysis type, building class), before its pass rate is trusted. Env `ROUTING_ADAPTIVE_MIN_SAMPLES`. @defaultValue `20` */
  minSamples: number;
  /** Evidence loses half its weight every this many days. Env `ROUTING_ADAPTIVE_HALF_LIFE_DAYS`. @defaultValue `14` */
  halfLifeDays: number;
  /** Price of one local inference slot for an hour (the host's cost), USD. Env `LOCAL_SLOT_USD_PER_HOUR`. @defaultValue `0.05` */
  localSlotUsdPerHour: number;
  /** Cost of a job ending in review (a person's time), USD. @defaultValue `0.05` */
  reviewUsd: number;
  /**
   * Exploration: share of jobs (0–0.5) started one tier below the learned start while that tier's
   * decayed visits are under `minSamples`, so a cheaper tier whose pass rate recovers is noticed.
   * 0 = off. Env `ROUTING_ADAPTIVE_EXPLORE_SHARE`. @defaultValue `0.05`
   */
  exploreShare: number;
}

export interface ResponseCacheConfig {
  /** Reuse a kept result instead of calling a model again. Env `RESPONSE_CACHE`. @defaultValue `true` */
  enabled: boolean;
  /** Reuse another tenant's kept result (same facts hash). Env `RESPONSE_CACHE_ACROSS_TENANTS`. @defaultValue `false` */
  acrossTenants: boolean;
}

export interface QualityConfig {
  /** Gate pass score for task types without their own. Env `QUALITY_THRESHOLD`. @defaultValue `0.7` */
  defaultThreshold: number;
  /** @defaultValue `{}` */
  thresholds: Partial<Record<TaskType, number>>;
  /**
   * Second chances: an answer that fails the gate is asked again on the same tier this many
   * times, with a repair prompt naming what the gate found, before the job escalates (or, at
   * the end of its chain, goes to review). Env `QUALITY_REPAIRS_PER_TIER`. @defaultValue `1`
   */
  repairsPerTier: number;
  /**
   * A local answer that fails on format alone (not readable JSON, or cut off) is asked again
   * this many times in the model's JSON mode (Ollama `format` with the schema, OpenAI-compatible
   * `response_format`) before it counts as a failed answer. @defaultValue `1`
   */
  formatRetries: number;
}

export interface RetriesConfig {
  /** Attempts (first try included) on one tier before the job escalates. @defaultValue `{ 'local-fast': 2, 'local-quality': 2, api: 3 }` */
  attemptsPerTier: Record<Tier, number>;
  /** First retry delay, ms; doubles per attempt. @defaultValue `1000` */
  backoffBaseMs: number;
  /** Longest retry delay, ms. @defaultValue `30000` */
  backoffMaxMs: number;
  /**
   * Longest wait a provider's `retry-after` (`retry-after-ms`, Gemini `RetryInfo`) may impose
   * before a retry, ms; longer asks are cut to it. Env `RETRY_AFTER_MAX_MS`. @defaultValue `60000`
   */
  retryAfterMaxMs: number;
  /** Attempts over all tiers after which a job goes to review. @defaultValue `10` */
  maxTotalAttempts: number;
}

/** Monthly and daily caps in USD; `undefined` = no cap. */
export interface BudgetCaps {
  monthlyUsd: number | undefined;
  dailyUsd: number | undefined;
}

export interface BudgetsConfig extends BudgetCaps {
  /** `monthlyUsd` env `LLM_MONTHLY_BUDGET`, `dailyUsd` env `LLM_DAILY_BUDGET`. Keyed by provider name. @defaultValue `{}` */
  perProvider: Record<string, BudgetCaps>;
  /** Keyed by tenant. @defaultValue `{}` */
  perTenant: Record<string, BudgetCaps>;
  /** Used share of a cap at which an alert fires. Env `COST_ALERT_THRESHOLD`. @defaultValue `0.8` */
  alertThreshold: number;
  /** Where alerts are POSTed. Env `COST_ALERT_WEBHOOK_URL`. Treated as a secret. @defaultValue `undefined` */
  alertWebhookUrl: string | undefined;
  /** Remaining share of a cap below which routing goes local-only. @defaultValue `0.1` */
  localOnlyBelowShare: number;
  /** Largest single reservation as a share of what remains. @defaultValue `0.05` */
  maxReservationShare: number;
  /** What an api job does when its budget is spent: wait (delayed) or go to review. @defaultValue `'wait'` */
  onExhausted: 'wait' | 'review';
  /** How reservations size a prompt (see `estimatePromptTokens` in `@eaio/spend`). */
  tokenEstimate: TokenEstimateConfig;
}

/**
 * Reservations count a prompt with o200k_base (schema and tools included) and multiply by
 * the provider's factor, then by `1 + margin`. A model's first calls reserve at least the
 * prompt's UTF-8 bytes; later ones use the largest ratio the provider itself reported.
 */
export interface TokenEstimateConfig {
  /** Safety margin on the estimate. Env `PROMPT_TOKEN_MARGIN`. @defaultValue `0.15` */
  margin: number;
  /** Provider tokenizer vs o200k on this project's prompts; absent = 1. @defaultValue `{ anthropic: 1.4, gemini: 1.3, deepseek: 1.1 }` */
  providerFactors: Record<string, number>;
}

/** What happens to jobs when something other than a provider fails, and how lost work is found again. */
/**
 * Circuit breakers per endpoint and per endpoint+model, shared by every worker process
 * (Redis, or PostgreSQL when the queues run there). A breaker opens after
 * `failureThreshold` counted failures (5xx, timeout, connection refused) within `windowSec`,
 * or at once on 401/403 (the endpoint's) or 404 model-not-found (the endpoint+model's);
 * after `coolDownSec` one probe call goes through and closes it on success.
 */
export interface CircuitBreakerConfig {
  /** @defaultValue `5` */
  failureThreshold: number;
  /** @defaultValue `60` */
  windowSec: number;
  /** @defaultValue `30` */
  coolDownSec: number;
  /** A probe (breaker, or the first call after a 429 pause) that never reports frees its slot after this. @defaultValue `120` */
  probeTimeoutSec: number;
}

/**
 * Request and token limits per provider, global across worker processes, and the pause a
 * 429 imposes on every worker (its `retry-after`, held to `retries.retryAfterMaxMs`).
 */
export interface RateLimitsConfig {
  /** The "minute" the limits count over, seconds (shorten only for tests). @defaultValue `60` */
  windowSec: number;
  /** Counted over `windowSec` plus this, so requests that reach the provider late still fit every window there. @defaultValue `1000` */
  marginMs: number;
  /** Pause after a 429 that names no wait, seconds. @defaultValue `5` */
  pauseWithoutRetryAfterSec: number;
  /** Keyed by provider name (`openai`, `anthropic`, …). @defaultValue `{}` */
  providers: Record<string, { requestsPerMinute?: number; tokensPerMinute?: number }>;
}

export interface RecoveryConfig {
  /**
   * Where a job ends that cannot be processed at all: unreadable job data, a processor error
   * that BullMQ's attempts did not cure, a job that stalled (its worker died) more often than
   * allowed. `failed` is terminal; `review` puts it in the review queue for a person.
   * @defaultValue `'failed'`
   */
  failedJobs: 'failed' | 'review';
  /** Seconds between reconciler runs in each worker process (one at a time, under a Postgres advisory lock); 0 = only at start. @defaultValue `60` */
  reconcileIntervalSec: number;
  /** A `started` attempt older than this, whose delivery is no longer active in its queue, is marked `abandoned` by the reconciler. @defaultValue `120` */
  abandonAttemptsAfterSec: number;
  /** Longest pause between checks while PostgreSQL or Redis is unreachable (workers fetch nothing meanwhile). @defaultValue `15000` */
  storeRetryMaxMs: number;
}

export interface ReportConfig {
  /** Cron (5 fields) of the nightly cost report. Env `REPORT_CRON`. @defaultValue `'0 2 * * *'` */
  cron: string;
  /** IANA time zone of the cron and of report days. Env `REPORT_TIMEZONE`. @defaultValue `'UTC'` */
  timezone: string;
  /** API model whose price is the "had everything gone to the API" savings baseline. @defaultValue `{ provider: 'openai', model: 'gpt-6-luna' }` */
  referenceModel: { provider: string; model: string };
  /** Directory reports are written to. @defaultValue `'reports'` */
  outputDir: string;
}

/** USD per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cache-read input tokens. @defaultValue `inputPerMTok` */
  cachedInputPerMTok?: number;
  /** Cache-write input tokens (Anthropic). @defaultValue `inputPerMTok` */
  cacheWritePerMTok?: number;
  /** Reasoning tokens. @defaultValue `outputPerMTok` */
  reasoningPerMTok?: number;
}
