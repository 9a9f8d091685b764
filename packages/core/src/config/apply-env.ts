import { ENV_VARIABLES, PROVIDER_BASE_URL_ENV, readEnv } from './env-variables';

type Env = Readonly<Record<string, string | undefined>>;
type RawObject = Record<string, unknown>;

/** Raw config plus where each overridden path came from (for error messages). */
export interface EnvApplied {
  raw: RawObject;
  /** Dotted path (or path prefix) → `env NAME`. */
  sources: Map<string, string>;
}

const isObject = (value: unknown): value is RawObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const setPath = (target: RawObject, path: string, value: unknown): void => {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    if (!isObject(node[key])) return; // leave a malformed section for the schema to report
    node = node[key] as RawObject;
  }
  node[keys[keys.length - 1]] = value;
};

const parseValue = (text: string, parse: 'string' | 'number' | 'boolean'): unknown => {
  if (parse === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text; // a string makes the schema name the variable
  }
  if (parse === 'boolean') {
    const lower = text.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
    if (['0', 'false', 'no', 'off'].includes(lower)) return false;
    return text;
  }
  return text;
};

const endpointsOf = (raw: RawObject): unknown[] => {
  if (raw.endpoints === undefined || raw.endpoints === null) raw.endpoints = [];
  return Array.isArray(raw.endpoints) ? raw.endpoints : [];
};

/** `OLLAMA_BASE_URL=a,b` replaces every `ollama` endpoint with `ollama-1`, `ollama-2`, … */
const applyOllamaHosts = (raw: RawObject, env: Env, sources: Map<string, string>): void => {
  const value = readEnv(env, 'OLLAMA_BASE_URL');
  if (value === undefined) return;
  const endpoints = endpointsOf(raw);
  if (!Array.isArray(raw.endpoints)) return; // malformed section: the schema reports it
  const urls = value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const isOllama = (endpoint: unknown) => isObject(endpoint) && endpoint.provider === 'ollama';
  const firstIndex = endpoints.findIndex(isOllama);
  const template: RawObject = firstIndex >= 0 ? (endpoints[firstIndex] as RawObject) : { provider: 'ollama', kind: 'ollama', local: true };
  const hosts = urls.map((baseUrl, index) => ({ ...template, id: `ollama-${index + 1}`, baseUrl }));
  const others = endpoints.filter((endpoint) => !isOllama(endpoint));
  const insertAt = firstIndex >= 0 ? endpoints.slice(0, firstIndex).filter((endpoint) => !isOllama(endpoint)).length : 0;
  raw.endpoints = [...others.slice(0, insertAt), ...hosts, ...others.slice(insertAt)];
  for (let offset = 0; offset < hosts.length; offset += 1) sources.set(`endpoints.${insertAt + offset}`, 'env OLLAMA_BASE_URL');
};

/** `LOCAL_OPENAI_BASE_URL` sets (or adds) the `local-openai` endpoint. */
const applyLocalOpenAi = (raw: RawObject, env: Env, sources: Map<string, string>): void => {
  const value = readEnv(env, 'LOCAL_OPENAI_BASE_URL');
  if (value === undefined) return;
  const endpoints = endpointsOf(raw);
  let index = endpoints.findIndex((endpoint) => isObject(endpoint) && (endpoint.id === 'local-openai' || endpoint.provider === 'local-openai'));
  if (index < 0) {
    endpoints.push({ id: 'local-openai', provider: 'local-openai', kind: 'openai-compatible', local: true });
    index = endpoints.length - 1;
  }
  (endpoints[index] as RawObject).baseUrl = value;
  sources.set(`endpoints.${index}.baseUrl`, 'env LOCAL_OPENAI_BASE_URL');
};

/** `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL` set the base URL of that provider's endpoints. */
const applyProviderBaseUrls = (raw: RawObject, env: Env, sources: Map<string, string>): void => {
  for (const [provider, name] of Object.entries(PROVIDER_BASE_URL_ENV)) {
    const value = readEnv(env, name);
    if (value === undefined) continue;
    endpointsOf(raw).forEach((endpoint, index) => {
      if (isObject(endpoint) && endpoint.provider === provider) {
        endpoint.baseUrl = value;
        sources.set(`endpoints.${index}.baseUrl`, `env ${name}`);
      }
    });
  }
};

/**
 * Applies environment overrides to the raw (unvalidated) config, on a copy.
 * Values are parsed by kind; unparsable ones are passed through as strings so the
 * schema reports them with the variable's name. API keys are not copied here: the
 * resolver reads them by each endpoint's `apiKeyEnv`.
 */
export const applyEnv = (input: RawObject, env: Env): EnvApplied => {
  const raw = structuredClone(input);
  const sources = new Map<string, string>();
  for (const variable of ENV_VARIABLES) {
    if (variable.path === undefined) continue;
    const value = readEnv(env, variable.name);
    if (value === undefined) continue;
    setPath(raw, variable.path, parseValue(value, variable.parse));
    sources.set(variable.path, `env ${variable.name}`);
  }
  applyOllamaHosts(raw, env, sources);
  applyLocalOpenAi(raw, env, sources);
  applyProviderBaseUrls(raw, env, sources);
  return { raw, sources };
};

/** Deep-merges `patch` into a copy of `base`: objects merge, everything else (arrays included) replaces. */
export const deepMerge = (base: RawObject, patch: RawObject): RawObject => {
  const result: RawObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    result[key] = isObject(value) && isObject(result[key]) ? deepMerge(result[key] as RawObject, value) : structuredClone(value);
  }
  return result;
};

/** Records `overrides` as the source of every leaf path it sets. */
export const recordOverrideSources = (patch: RawObject, sources: Map<string, string>, prefix = ''): void => {
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isObject(value)) recordOverrideSources(value, sources, path);
    else if (value !== undefined) sources.set(path, 'overrides');
  }
};
