import { z } from 'zod';
import type { ConfigIssue } from './config-error';
import type { EnvVariable } from './env-variable';

/**
 * How far work may travel and what is recorded when it leaves: the design's
 * `LLM_STRATEGY`, `ALLOW_API_FOR_AGGREGATED` and `AUDIT_ALL_API_CALLS`, and how ENHANCED
 * building data is anonymised before it reaches a non-local endpoint.
 */
export const LLM_STRATEGIES = ['local', 'hybrid', 'api-only'] as const;
export type LlmStrategy = (typeof LLM_STRATEGIES)[number];

/**
 * Metadata columns sent as they are under ENHANCED: measures and categories that name no one.
 * Every other metadata column is replaced by a pseudonym (or coarsened, for coordinates).
 */
export const DEFAULT_PLAIN_COLUMNS = [
  'sqm',
  'sqft',
  'primaryspaceusage',
  'sub_primaryspaceusage',
  'timezone',
  'yearbuilt',
  'numberoffloors',
  'approx_roof_area_sqm',
  'occupants',
  'heatingtype',
  'industry',
  'subindustry',
  'energystarscore',
  'has_electricity_2019',
  'has_gas_2019',
  'privacy',
] as const;

/** Metadata columns holding a latitude or longitude: rounded to `coordinateDecimals` instead of pseudonymised. */
export const DEFAULT_COORDINATE_COLUMNS = ['lat', 'latitude', 'lng', 'lon', 'long', 'longitude', 'weather_station_lat', 'weather_station_lng'] as const;

const columnName = z.string().regex(/^[a-z0-9_ .-]+$/, 'a metadata column name in lower case');

export const privacySchema = z.strictObject({
  strategy: z.enum(LLM_STRATEGIES).default('hybrid'),
  allowApiForEnhanced: z.boolean().default(true),
  auditApiCalls: z.boolean().default(true),
  anonymisation: z
    .strictObject({
      secretFile: z.string().min(1).default('.eaio/anonymisation-secret'),
      plainColumns: z.array(columnName).default([...DEFAULT_PLAIN_COLUMNS]),
      coordinateColumns: z.array(columnName).default([...DEFAULT_COORDINATE_COLUMNS]),
      coordinateDecimals: z.number().int().min(0).max(4).default(1),
    })
    .prefault({}),
});

export type FilePrivacyConfig = z.output<typeof privacySchema>;

/** How ENHANCED building data is made anonymous before it leaves for a non-local endpoint. */
export interface AnonymisationConfig {
  /**
   * The HMAC key pseudonyms are made with; never sent anywhere, never logged. Env
   * `EAIO_ANONYMISATION_SECRET` (16+ characters). Unset: read from `secretFile`, which is
   * created with a random 256-bit key (mode 0600) on first use. @defaultValue `undefined`
   */
  secret: string | undefined;
  /** Where the generated key is kept (relative to the working directory). @defaultValue `'.eaio/anonymisation-secret'` */
  secretFile: string;
  /** Metadata columns sent as they are (lower case). Every other column becomes a pseudonym. @defaultValue {@link DEFAULT_PLAIN_COLUMNS} */
  plainColumns: string[];
  /** Metadata columns rounded to `coordinateDecimals` instead. @defaultValue {@link DEFAULT_COORDINATE_COLUMNS} */
  coordinateColumns: string[];
  /** Decimals kept of a coordinate (1 ≈ 11 km). @defaultValue `1` */
  coordinateDecimals: number;
}

export interface PrivacyConfig {
  /**
   * `local`: no paid API is ever called (every non-local endpoint disabled); `hybrid`: local
   * first, APIs where privacy allows and complexity or quality needs them; `api-only`: jobs
   * whose privacy allows an API skip the local tiers (PRIVATE jobs still run locally).
   * Env `LLM_STRATEGY`. @defaultValue `'hybrid'`
   */
  strategy: LlmStrategy;
  /** `false`: ENHANCED jobs stay on local tiers like PRIVATE ones. Env `ALLOW_API_FOR_AGGREGATED`. @defaultValue `true` */
  allowApiForEnhanced: boolean;
  /** One `egress_audit` row per request to a non-local endpoint (`eaio audit`). Env `AUDIT_ALL_API_CALLS`. @defaultValue `true` */
  auditApiCalls: boolean;
  anonymisation: AnonymisationConfig;
}

export const PRIVACY_ENV_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'LLM_STRATEGY',
    path: 'privacy.strategy',
    parse: 'string',
    description: 'local (never call a paid API) | hybrid (default) | api-only (skip local tiers where privacy allows)',
  },
  {
    name: 'ALLOW_API_FOR_AGGREGATED',
    path: 'privacy.allowApiForEnhanced',
    parse: 'boolean',
    description: 'false = ENHANCED jobs stay on local tiers (default true: anonymised before they leave)',
  },
  {
    name: 'AUDIT_ALL_API_CALLS',
    path: 'privacy.auditApiCalls',
    parse: 'boolean',
    description: 'one egress_audit row per request to a non-local endpoint, read with eaio audit (default true)',
  },
  {
    name: 'EAIO_ANONYMISATION_SECRET',
    path: undefined,
    parse: 'string',
    description: 'HMAC key of ENHANCED pseudonyms (16+ characters, never sent); unset = generated once into privacy.anonymisation.secretFile',
  },
  { name: 'OPENAI_ORG_ID', path: undefined, parse: 'string', description: 'OpenAI organization sent by the openai endpoint (OpenAI-Organization header)' },
];

/**
 * Variables of the design that eaio does not read because one of its own settings does
 * the job; set, they stop start-up with an issue naming that setting.
 */
export const REPLACED_ENV_VARIABLES: Readonly<Record<string, { path: string; hint: string }>> = {
  OLLAMA_DEFAULT_MODEL: {
    path: 'tiers.local-fast.candidates',
    hint: 'eaio picks Ollama models per tier: set the model of tiers.local-fast.candidates and tiers.local-quality.candidates in config/eaio.yaml (or EAIO_CONFIG), then unset OLLAMA_DEFAULT_MODEL',
  },
};

type Env = Readonly<Record<string, string | undefined>>;

const readEnv = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** Resolves the privacy section: the secret from env (never from the file). */
export const resolvePrivacy = (file: FilePrivacyConfig, env: Env, issues: Omit<ConfigIssue, 'source'>[]): PrivacyConfig => {
  const secret = readEnv(env, 'EAIO_ANONYMISATION_SECRET');
  if (secret !== undefined && secret.length < 16) {
    issues.push({
      path: 'privacy.anonymisation.secret',
      message: 'EAIO_ANONYMISATION_SECRET is shorter than 16 characters',
      hint: 'Use a random value of 32+ characters (e.g. `openssl rand -hex 32`), or unset it to have one generated into privacy.anonymisation.secretFile.',
    });
  }
  const lower = (columns: string[]) => columns.map((column) => column.toLowerCase());
  return {
    strategy: file.strategy,
    allowApiForEnhanced: file.allowApiForEnhanced,
    auditApiCalls: file.auditApiCalls,
    anonymisation: {
      secret,
      secretFile: file.anonymisation.secretFile,
      plainColumns: lower(file.anonymisation.plainColumns),
      coordinateColumns: lower(file.anonymisation.coordinateColumns),
      coordinateDecimals: file.anonymisation.coordinateDecimals,
    },
  };
};

/** Issues for set variables that eaio replaces with its own settings (see {@link REPLACED_ENV_VARIABLES}). */
export const replacedEnvIssues = (env: Env): ConfigIssue[] =>
  Object.entries(REPLACED_ENV_VARIABLES)
    .filter(([name]) => readEnv(env, name) !== undefined)
    .map(([name, replacement]) => ({
      path: replacement.path,
      source: `env ${name}`,
      message: `${name} is not read by eaio`,
      hint: `${replacement.hint}.`,
    }));

/** `OPENAI_ORG_ID` → the organization of every `openai` endpoint. */
export const openAiOrganization = (env: Env): string | undefined => readEnv(env, 'OPENAI_ORG_ID');
