import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { applyEnv, deepMerge, recordOverrideSources } from './apply-env';
import { ConfigError, type ConfigIssue } from './config-error';
import { fileConfigSchema } from './config-schema';
import type { EaioConfig } from './config-types';
import { ENV_VARIABLES, readEnv } from './env-variables';
import { resolveConfig } from './resolve-config';
import { replacedEnvIssues } from './privacy-config';

/** Partial config merged over file and env (e.g. from CLI flags); arrays replace. */
export type ConfigOverrides = z.input<typeof fileConfigSchema>;

export interface LoadConfigOptions {
  /** Environment to read (pass `process.env` from `main.ts`). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * YAML file to read. `false` reads none (defaults + env only).
   * @defaultValue `env.EAIO_CONFIG`, else the shipped `config/eaio.yaml`
   */
  path?: string | false;
  /** Applied last, over file and env. @defaultValue `{}` */
  overrides?: ConfigOverrides;
}

/** The `config/eaio.yaml` shipped with the repository. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../../../config/eaio.yaml', import.meta.url));

const displayPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');

/** Most specific recorded source of a path (`endpoints[1].baseUrl` → `endpoints.1.baseUrl` → `endpoints.1` …). */
const sourceOf = (path: string, sources: Map<string, string>, fileLabel: string): string => {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
  for (let length = parts.length; length > 0; length -= 1) {
    const found = sources.get(parts.slice(0, length).join('.'));
    if (found !== undefined) return found;
  }
  return fileLabel;
};

const hintFor = (path: string, source: string, fileLabel: string, issue: z.core.$ZodIssue): string => {
  if (issue.code === 'unrecognized_keys') {
    return `Remove or rename ${issue.keys.map((key) => `"${key}"`).join(', ')}${path ? ` under "${path}"` : ''} in ${fileLabel} (misspelt keys are not ignored).`;
  }
  if (source.startsWith('env ')) {
    const name = source.slice(4);
    const variable = ENV_VARIABLES.find((candidate) => candidate.name === name);
    return `Set ${name} to a valid value${variable ? ` (${variable.description})` : ''}, or unset it.`;
  }
  if (source === 'overrides') return `Fix the override of "${path}".`;
  return `Fix "${path}" in ${fileLabel}.`;
};

const readYaml = (path: string): Record<string, unknown> => {
  if (!existsSync(path)) {
    throw new ConfigError([{ path: '', source: path, message: 'config file not found', hint: 'Set EAIO_CONFIG or --config to an existing YAML file.' }]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([{ path: '', source: path, message: `YAML syntax error${where}: ${message}`, hint: 'Fix the YAML syntax.' }]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([{ path: '', source: path, message: 'the file is not a YAML mapping', hint: 'Start the file with top-level keys such as "endpoints:" and "tiers:".' }]);
  }
  return parsed as Record<string, unknown>;
};

/**
 * Loads the eaio configuration: YAML file, then env variables, then `overrides`;
 * validates it with zod; resolves API keys (`apiKeyEnv` read from `env`) and
 * enables only the paid endpoints whose key is present.
 *
 * Reads the file and nothing else; `env` is passed in, so tests need no globals.
 * @throws ConfigError listing every problem, each with its field path, source and a hint.
 */
export const loadConfig = (options: LoadConfigOptions): EaioConfig => {
  const { env } = options;
  const path = options.path === false ? undefined : (options.path ?? readEnv(env, 'EAIO_CONFIG') ?? DEFAULT_CONFIG_PATH);
  const fileLabel = path ?? 'config';
  const fileRaw = path === undefined ? {} : readYaml(path);
  // The design's names that eaio replaces with its own settings stop start-up, naming the setting.
  const replaced = replacedEnvIssues(env);
  if (replaced.length > 0) throw new ConfigError(replaced);

  const { raw: envRaw, sources } = applyEnv(fileRaw, env);
  const overrides = (options.overrides ?? {}) as Record<string, unknown>;
  recordOverrideSources(overrides, sources);
  const merged = deepMerge(envRaw, overrides);

  const parsed = fileConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue): ConfigIssue => {
        const issuePath = displayPath(issue.path);
        const source = sourceOf(issuePath, sources, fileLabel);
        return { path: issuePath, source, message: issue.message, hint: hintFor(issuePath, source, fileLabel, issue) };
      }),
    );
  }
  const { config, issues } = resolveConfig(parsed.data, env, path);
  if (issues.length > 0) {
    throw new ConfigError(issues.map((issue) => ({ ...issue, source: sourceOf(issue.path, sources, fileLabel) })));
  }
  return config;
};
