import { batchApiSchema } from './batch-api-config';
import { z } from 'zod';
import { ANALYSIS_TYPES, GENERIC_TASK_TYPES, PRIVACY_LEVELS, TIERS } from '../types';
import { LOG_LEVELS, PROVIDER_KINDS } from './config-types';
import { privacySchema } from './privacy-config';
import { tenantsSchema } from './tenant-config';

/**
 * zod schema of the config file after env overrides (before endpoint keys and
 * tier defaults are resolved). Objects are strict so a misspelt key is an error,
 * not a silently ignored setting. See `config-types.ts` for what each field means.
 */

const share = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();
const usd = z.number().nonnegative();
const tierName = z.enum(TIERS);
const taskType = z.enum([...ANALYSIS_TYPES, ...GENERIC_TASK_TYPES]);

const endpointSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" or "-"'),
  provider: z.string().min(1),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.url().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'name an environment variable, e.g. OPENAI_API_KEY')
    .optional(),
  local: z.boolean(),
  maxInFlight: positiveInt.optional(),
  unsupportedParams: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  organization: z.string().min(1).optional(),
});

const candidateSchema = z.strictObject({
  endpoint: z.string().min(1),
  model: z.string().min(1),
  maxTokens: positiveInt.default(1024),
  contextWindow: positiveInt.default(8192),
});

const tierSchema = z.strictObject({
  candidates: z.array(candidateSchema).default([]),
  timeoutSec: z.number().positive().optional(),
  concurrency: positiveInt.optional(),
});

const thresholdsShape = {
  localQualityAbove: share.default(0.35),
  apiAbove: share.default(0.8),
  publicPreferApiAbove: share.default(0.55),
};

const taskOverrideSchema = z.strictObject({
  localQualityAbove: share.optional(),
  apiAbove: share.optional(),
  publicPreferApiAbove: share.optional(),
  minTier: tierName.optional(),
});

const capsSchema = z.strictObject({
  monthlyUsd: usd.optional(),
  dailyUsd: usd.optional(),
});

const priceSchema = z.strictObject({
  inputPerMTok: usd,
  outputPerMTok: usd,
  cachedInputPerMTok: usd.optional(),
  cacheWritePerMTok: usd.optional(),
  reasoningPerMTok: usd.optional(),
});

const cronSchema = z.string().regex(/^\s*(\S+\s+){4}\S+\s*$/, 'a cron expression has 5 fields, e.g. "0 2 * * *"');

const timezoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone (e.g. "UTC", "Europe/Berlin")');

export const fileConfigSchema = z.strictObject({
  logLevel: z.enum(LOG_LEVELS).default('info'),
  connections: z
    .strictObject({
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'use redis://host:port or rediss://…')
        .optional(),
      databaseUrl: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'use postgres://user:password@host:port/db')
        .optional(),
    })
    .prefault({}),
  board: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(3000),
      token: z.string().min(16, 'use at least 16 characters').optional(),
      tokenName: z
        .string()
        .regex(/^[\w.@-]{1,64}$/, 'use 1-64 letters, digits, . _ @ -')
        .default('board'),
      adminToken: z.string().min(16, 'use at least 16 characters').optional(),
      reviewerTokens: z
        .union([z.string(), z.record(z.string().regex(/^[\w.@-]{1,64}$/, 'use 1-64 letters, digits, . _ @ -'), z.string())])
        .optional()
        .transform((value, context) => {
          const pairs: [string, string][] =
            typeof value === 'string'
              ? value
                  .split(',')
                  .map((pair) => pair.trim())
                  .filter((pair) => pair !== '')
                  .map((pair) => {
                    const equals = pair.indexOf('=');
                    return equals > 0 ? [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()] : [pair, ''];
                  })
              : Object.entries(value ?? {});
          for (const [name, token] of pairs) {
            if (!/^[\w.@-]{1,64}$/.test(name)) context.addIssue({ code: 'custom', message: 'each entry is name=token, the name 1-64 letters, digits, . _ @ -' });
            else if (token.length < 16) context.addIssue({ code: 'custom', message: `the token of "${name}" is shorter than 16 characters` });
          }
          return Object.fromEntries(pairs);
        }),
    })
    .prefault({}),
  intake: z
    .strictObject({
      maxBodyMb: z.number().positive().default(100),
      maxIssuesListed: z.number().int().min(1).default(100),
      maxLineBytes: positiveInt.default(4 * 1024 * 1024),
      readings: z
        .strictObject({
          maxKwhPerHour: z.number().positive().default(100_000),
          maxKwhPerHourPerSqm: z.number().positive().default(2),
        })
        .prefault({}),
    })
    .prefault({}),
  limits: z
    .strictObject({
      maxConcurrentLocal: positiveInt.default(2),
      maxConcurrentApi: positiveInt.default(10),
      localTimeoutSec: z.number().positive().optional(),
      apiTimeoutSec: z.number().positive().default(30),
      slotLeaseMs: z.number().int().min(200).default(4_000),
    })
    .prefault({}),
  localTimeout: z
    .strictObject({
      tokensPerSecond: z.number().positive().default(20),
      models: z.record(z.string(), z.number().positive()).default({}),
      firstTokenSec: z.number().nonnegative().default(10),
      modelLoadSec: z.number().nonnegative().default(60),
      keepAlive: z.union([z.string().regex(/^-?\d+(\.\d+)?(ms|s|m|h)?$/, 'a duration such as "30m", "1h", "300s", or -1 for ever'), z.number()]).default('30m'),
      safetyFactor: z.number().min(1).default(1.5),
      minSec: z.number().positive().default(30),
      maxSec: z.number().positive().default(900),
      rollingSamples: positiveInt.default(20),
      minSamples: positiveInt.default(3),
    })
    .prefault({}),
  endpoints: z.array(endpointSchema).default([]),
  tiers: z
    .strictObject({
      'local-fast': tierSchema.prefault({}),
      'local-quality': tierSchema.prefault({}),
      api: tierSchema.prefault({}),
    })
    .prefault({}),
  routing: z
    .strictObject({
      ...thresholdsShape,
      defaultPrivacy: z.enum(PRIVACY_LEVELS).default('PRIVATE'),
      emergencyLocalOnly: z.boolean().default(false),
      taskTypes: z.partialRecord(taskType, taskOverrideSchema).default({}),
      adaptive: z
        .strictObject({
          enabled: z.boolean().default(false),
          minSamples: positiveInt.default(20),
          halfLifeDays: z.number().positive().default(14),
          localSlotUsdPerHour: usd.default(0.05),
          reviewUsd: usd.default(0.05),
          exploreShare: z.number().min(0).max(0.5).default(0.05),
        })
        .prefault({}),
      cache: z
        .strictObject({
          enabled: z.boolean().default(true),
          acrossTenants: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
  quality: z
    .strictObject({
      defaultThreshold: share.default(0.7),
      thresholds: z.partialRecord(taskType, share).default({}),
      repairsPerTier: z.number().int().min(0).max(5).default(1),
      formatRetries: z.number().int().min(0).max(3).default(1),
    })
    .prefault({}),
  retries: z
    .strictObject({
      attemptsPerTier: z
        .strictObject({
          'local-fast': positiveInt.default(2),
          'local-quality': positiveInt.default(2),
          api: positiveInt.default(3),
        })
        .prefault({}),
      backoffBaseMs: z.number().int().nonnegative().default(1000),
      backoffMaxMs: z.number().int().nonnegative().default(30_000),
      retryAfterMaxMs: z.number().int().nonnegative().default(60_000),
      maxTotalAttempts: positiveInt.default(10),
    })
    .prefault({}),
  budgets: z
    .strictObject({
      monthlyUsd: usd.optional(),
      dailyUsd: usd.optional(),
      perProvider: z.record(z.string(), capsSchema).default({}),
      perTenant: z.record(z.string(), capsSchema).default({}),
      alertThreshold: share.default(0.8),
      alertWebhookUrl: z.url().optional(),
      localOnlyBelowShare: share.default(0.1),
      maxReservationShare: share.default(0.05),
      onExhausted: z.enum(['wait', 'review']).default('wait'),
      tokenEstimate: z
        .strictObject({
          margin: z.number().min(0).max(10).default(0.15),
          providerFactors: z.record(z.string(), z.number().min(0.1).max(20)).default({ anthropic: 1.4, gemini: 1.3, deepseek: 1.1 }),
        })
        .prefault({}),
    })
    .prefault({}),
  report: z
    .strictObject({
      cron: cronSchema.default('0 2 * * *'),
      timezone: timezoneSchema.default('UTC'),
      referenceModel: z.strictObject({ provider: z.string().min(1), model: z.string().min(1) }).default({ provider: 'openai', model: 'gpt-6-luna' }),
      outputDir: z.string().min(1).default('reports'),
    })
    .prefault({}),
  recovery: z
    .strictObject({
      failedJobs: z.enum(['failed', 'review']).default('failed'),
      reconcileIntervalSec: z.number().nonnegative().default(60),
      abandonAttemptsAfterSec: z.number().positive().default(120),
      storeRetryMaxMs: z.number().int().min(100).default(15_000),
    })
    .prefault({}),
  privacy: privacySchema.prefault({}),
  tenants: tenantsSchema.prefault({}),
  circuitBreaker: z
    .strictObject({
      failureThreshold: positiveInt.default(5),
      windowSec: z.number().positive().default(60),
      coolDownSec: z.number().positive().default(30),
      probeTimeoutSec: z.number().positive().default(120),
    })
    .prefault({}),
  rateLimits: z
    .strictObject({
      windowSec: z.number().positive().default(60),
      marginMs: z.number().int().nonnegative().default(1000),
      pauseWithoutRetryAfterSec: z.number().nonnegative().default(5),
      providers: z.record(z.string(), z.strictObject({ requestsPerMinute: positiveInt.optional(), tokensPerMinute: positiveInt.optional() })).default({}),
    })
    .prefault({}),
  batchApi: batchApiSchema.prefault({}),
  prices: z.record(z.string(), priceSchema).default({}),
});

export type FileConfig = z.output<typeof fileConfigSchema>;
