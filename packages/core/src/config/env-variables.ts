import type { EnvVariable } from './env-variable';
import { PRIVACY_ENV_VARIABLES } from './privacy-config';

/**
 * Every environment variable eaio reads, with the config path it sets and a
 * one-line description (`.env.example` documents each; a test keeps them in step).
 */
export type { EnvVariable } from './env-variable';

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'EAIO_CONFIG', path: undefined, parse: 'string', description: 'path of the YAML config (default config/eaio.yaml; the --config flag wins)' },
  { name: 'OLLAMA_BASE_URL', path: undefined, parse: 'string', description: 'Ollama host(s); a comma-separated list means several hosts (ollama-1, ollama-2, …)' },
  { name: 'LOCAL_OPENAI_BASE_URL', path: undefined, parse: 'string', description: 'local OpenAI-compatible server (LM Studio, vLLM, llama.cpp), e.g. http://127.0.0.1:1234/v1' },
  { name: 'OPENAI_API_KEY', path: undefined, parse: 'string', description: 'OpenAI key; without it the openai endpoint is disabled' },
  { name: 'OPENAI_BASE_URL', path: undefined, parse: 'string', description: 'override of the OpenAI API base URL' },
  { name: 'DEEPSEEK_API_KEY', path: undefined, parse: 'string', description: 'DeepSeek key; without it the deepseek endpoint is disabled' },
  { name: 'ANTHROPIC_API_KEY', path: undefined, parse: 'string', description: 'Anthropic key; without it the anthropic endpoint is disabled' },
  { name: 'ANTHROPIC_BASE_URL', path: undefined, parse: 'string', description: 'override of the Anthropic API base URL' },
  { name: 'GOOGLE_API_KEY', path: undefined, parse: 'string', description: 'Gemini API key; without it the gemini endpoint is disabled' },
  { name: 'GEMINI_BASE_URL', path: undefined, parse: 'string', description: 'override of the Gemini API base URL' },
  { name: 'DEFAULT_PRIVACY_LEVEL', path: 'routing.defaultPrivacy', parse: 'string', description: 'privacy of jobs that state none: PRIVATE | ENHANCED | PUBLIC (default PRIVATE)' },
  {
    name: 'MAX_CONCURRENT_LOCAL',
    path: 'limits.maxConcurrentLocal',
    parse: 'number',
    description: 'in-flight requests per local inference host, both local tiers together (default 2)',
  },
  { name: 'MAX_CONCURRENT_API', path: 'limits.maxConcurrentApi', parse: 'number', description: 'concurrency of the api tier (default 10)' },
  {
    name: 'LOCAL_TIMEOUT_SEC',
    path: 'limits.localTimeoutSec',
    parse: 'number',
    description: "fixed request timeout of local tiers in seconds; unset = derived from maxTokens and the model's tokens/s (localTimeout)",
  },
  { name: 'LOCAL_TOKENS_PER_SECOND', path: 'localTimeout.tokensPerSecond', parse: 'number', description: 'assumed local output speed (tokens/s) until measured (default 20)' },
  { name: 'OLLAMA_KEEP_ALIVE', path: 'localTimeout.keepAlive', parse: 'string', description: 'keep_alive sent to Ollama with every call, e.g. 30m, 1h, -1 (default 30m)' },
  {
    name: 'RETRY_AFTER_MAX_MS',
    path: 'retries.retryAfterMaxMs',
    parse: 'number',
    description: "longest wait a provider's retry-after may impose before a retry, ms (default 60000)",
  },
  {
    name: 'SLOT_LEASE_MS',
    path: 'limits.slotLeaseMs',
    parse: 'number',
    description: "lifetime of a local host slot lease in ms, renewed by its owner every quarter of it; a killed worker's slots come free this long after it died (default 4000)",
  },
  {
    name: 'QUALITY_REPAIRS_PER_TIER',
    path: 'quality.repairsPerTier',
    parse: 'number',
    description: 'times an answer that failed the quality gate is asked again on the same tier, told what the gate found, before the job escalates (default 1)',
  },
  { name: 'API_TIMEOUT_SEC', path: 'limits.apiTimeoutSec', parse: 'number', description: 'request timeout of the api tier in seconds (default 30)' },
  { name: 'REDIS_URL', path: 'connections.redisUrl', parse: 'string', description: 'Redis for the queues; unset = queues on PostgreSQL' },
  { name: 'DATABASE_URL', path: 'connections.databaseUrl', parse: 'string', description: 'PostgreSQL for results and spend; unset = embedded PostgreSQL' },
  { name: 'BOARD_TOKEN', path: 'board.token', parse: 'string', description: 'bearer token of the board (16+ characters); unset = board refuses to start' },
  { name: 'BOARD_TOKEN_NAME', path: 'board.tokenName', parse: 'string', description: 'name review decisions taken with BOARD_TOKEN are recorded under (default board)' },
  {
    name: 'BOARD_REVIEWER_TOKENS',
    path: 'board.reviewerTokens',
    parse: 'string',
    description: 'more board tokens, one per reviewer: name=token,name=token (16+ characters each); decisions record the name',
  },
  {
    name: 'BOARD_ADMIN_TOKEN',
    path: 'board.adminToken',
    parse: 'string',
    description: 'token (16+ characters) that may add, edit, clean and obliterate jobs in Bull Board; other board tokens read, retry and promote only; unset = nobody may',
  },
  {
    name: 'TENANT_TOKENS',
    path: 'tenants.tokens',
    parse: 'string',
    description: 'tenant tokens for the intake and results API: tenant=token,tenant=token (16+ characters each); each sees and submits for its own tenant only',
  },
  {
    name: 'TENANT_PRIVACY',
    path: 'tenants.privacy',
    parse: 'string',
    description: 'default privacy per tenant for jobs that state none: tenant=LEVEL,tenant=LEVEL (PRIVATE|ENHANCED|PUBLIC)',
  },
  { name: 'BOARD_PORT', path: 'board.port', parse: 'number', description: 'HTTP port of the board (default 3000)' },
  { name: 'INTAKE_MAX_BODY_MB', path: 'intake.maxBodyMb', parse: 'number', description: 'largest request body of the HTTP intake in MB; larger ones get 413 (default 100)' },
  {
    name: 'INTAKE_MAX_ISSUES',
    path: 'intake.maxIssuesListed',
    parse: 'number',
    description: "input issues listed one by one in a submission's answer; the rest are counted by kind (default 100)",
  },
  { name: 'LOG_LEVEL', path: 'logLevel', parse: 'string', description: 'fatal | error | warn | info | debug | trace | silent (default info)' },
  { name: 'LLM_MONTHLY_BUDGET', path: 'budgets.monthlyUsd', parse: 'number', description: 'global monthly API spend cap in USD' },
  { name: 'LLM_DAILY_BUDGET', path: 'budgets.dailyUsd', parse: 'number', description: 'global daily API spend cap in USD' },
  { name: 'COST_ALERT_THRESHOLD', path: 'budgets.alertThreshold', parse: 'number', description: 'used share of a budget that fires an alert, 0..1 (default 0.8)' },
  {
    name: 'PROMPT_TOKEN_MARGIN',
    path: 'budgets.tokenEstimate.margin',
    parse: 'number',
    description: "safety margin on the tokenizer's prompt count when reserving spend, e.g. 0.15 = +15 % (default 0.15)",
  },
  { name: 'COST_ALERT_WEBHOOK_URL', path: 'budgets.alertWebhookUrl', parse: 'string', description: 'URL alerts are POSTed to (treated as a secret)' },
  { name: 'EMERGENCY_LOCAL_ONLY', path: 'routing.emergencyLocalOnly', parse: 'boolean', description: 'true = nothing goes to a paid API, whatever the privacy level' },
  {
    name: 'ROUTING_ADAPTIVE',
    path: 'routing.adaptive.enabled',
    parse: 'boolean',
    description: 'true = start jobs at the tier with the lowest expected cost under observed pass rates (default false)',
  },
  {
    name: 'ROUTING_ADAPTIVE_MIN_SAMPLES',
    path: 'routing.adaptive.minSamples',
    parse: 'number',
    description: 'visits per tier and (analysis type, building class) before adaptive routing trusts its pass rate (default 20)',
  },
  { name: 'ROUTING_ADAPTIVE_HALF_LIFE_DAYS', path: 'routing.adaptive.halfLifeDays', parse: 'number', description: 'age at which routing evidence counts half (default 14)' },
  {
    name: 'ROUTING_ADAPTIVE_EXPLORE_SHARE',
    path: 'routing.adaptive.exploreShare',
    parse: 'number',
    description: 'share of jobs adaptive routing starts one tier below the learned start while that tier has too little recent evidence (default 0.05, 0 = off)',
  },
  {
    name: 'LOCAL_SLOT_USD_PER_HOUR',
    path: 'routing.adaptive.localSlotUsdPerHour',
    parse: 'number',
    description: 'price of one local inference slot-hour for adaptive routing, USD (default 0.05)',
  },
  {
    name: 'RESPONSE_CACHE',
    path: 'routing.cache.enabled',
    parse: 'boolean',
    description: 'false = never reuse a kept result for the same facts, analysis type, prompt version and tier (default true)',
  },
  {
    name: 'RESPONSE_CACHE_ACROSS_TENANTS',
    path: 'routing.cache.acrossTenants',
    parse: 'boolean',
    description: "true = reuse another tenant's kept result for identical facts (default false)",
  },
  { name: 'REPORT_CRON', path: 'report.cron', parse: 'string', description: 'cron of the nightly cost report (default "0 2 * * *")' },
  { name: 'REPORT_TIMEZONE', path: 'report.timezone', parse: 'string', description: 'IANA time zone of the report cron and report days (default UTC)' },
  { name: 'QUALITY_THRESHOLD', path: 'quality.defaultThreshold', parse: 'number', description: 'quality-gate pass score for task types without their own, 0..1 (default 0.7)' },
  ...PRIVACY_ENV_VARIABLES,
];

/** Base-URL env variables of paid providers, by provider name. */
export const PROVIDER_BASE_URL_ENV: Readonly<Record<string, string>> = {
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  gemini: 'GEMINI_BASE_URL',
};

/** Reads an env variable; an empty or blank value counts as unset. */
export const readEnv = (env: Readonly<Record<string, string | undefined>>, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};
