import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { configSecrets, redactConfig } from './redact-config';
import { availableTiers } from './resolve-config';

// Placeholders, not keys: the config only needs a value present to enable the endpoints.
const KEYS = { OPENAI_API_KEY: 'placeholder-openai', ANTHROPIC_API_KEY: 'placeholder-anthropic' };

const configError = (load: () => unknown): ConfigError => {
  try {
    load();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe("the design's environment names", () => {
  it('defaults: hybrid, ENHANCED may use APIs, every API call audited, no secret in config', () => {
    const config = loadConfig({ env: KEYS });
    expect(config.privacy).toMatchObject({ strategy: 'hybrid', allowApiForEnhanced: true, auditApiCalls: true });
    expect(config.privacy.anonymisation.secret).toBeUndefined();
    expect(config.privacy.anonymisation.secretFile).toBe('.eaio/anonymisation-secret');
    expect(availableTiers(config)).toContain('api');
  });

  it('LLM_STRATEGY=local disables every non-local endpoint, so the api tier is never available', () => {
    const config = loadConfig({ env: { ...KEYS, LLM_STRATEGY: 'local' } });
    expect(config.privacy.strategy).toBe('local');
    for (const endpoint of config.endpoints.filter((candidate) => !candidate.local)) {
      expect(endpoint.enabled).toBe(false);
      expect(endpoint.disabledReason).toContain('LLM_STRATEGY=local');
    }
    expect(availableTiers(config)).toEqual(['local-fast', 'local-quality']);
  });

  it('LLM_STRATEGY=api-only, ALLOW_API_FOR_AGGREGATED=false and AUDIT_ALL_API_CALLS=false are read', () => {
    const config = loadConfig({ env: { LLM_STRATEGY: 'api-only', ALLOW_API_FOR_AGGREGATED: 'false', AUDIT_ALL_API_CALLS: 'false' } });
    expect(config.privacy).toMatchObject({ strategy: 'api-only', allowApiForEnhanced: false, auditApiCalls: false });
  });

  it('an unknown LLM_STRATEGY stops start-up naming the variable', () => {
    const error = configError(() => loadConfig({ env: { LLM_STRATEGY: 'cloud' } }));
    expect(error.issues[0]).toMatchObject({ path: 'privacy.strategy', source: 'env LLM_STRATEGY' });
  });

  it('OPENAI_ORG_ID becomes the organization of the openai endpoint only', () => {
    const config = loadConfig({ env: { ...KEYS, OPENAI_ORG_ID: 'org-test123' } });
    expect(config.endpoints.find((endpoint) => endpoint.id === 'openai')?.organization).toBe('org-test123');
    expect(config.endpoints.find((endpoint) => endpoint.id === 'deepseek')?.organization).toBeUndefined();
  });

  it('OLLAMA_DEFAULT_MODEL stops start-up with an error naming the eaio setting to use', () => {
    const error = configError(() => loadConfig({ env: { OLLAMA_DEFAULT_MODEL: 'llama3.2:3b' } }));
    expect(error.issues[0].source).toBe('env OLLAMA_DEFAULT_MODEL');
    expect(error.message).toContain('tiers.local-fast.candidates');
  });

  it('OLLAMA_KEEP_ALIVE is read (already wired)', () => {
    expect(loadConfig({ env: { OLLAMA_KEEP_ALIVE: '1h' } }).localTimeout.keepAlive).toBe('1h');
  });

  it('EAIO_ANONYMISATION_SECRET is a secret: redacted, scrubbed from logs, 16+ characters', () => {
    const secret = 'anonymisation-secret-0123456789';
    const config = loadConfig({ env: { EAIO_ANONYMISATION_SECRET: secret } });
    expect(config.privacy.anonymisation.secret).toBe(secret);
    expect(JSON.stringify(redactConfig(config))).not.toContain(secret);
    expect(configSecrets(config)).toContain(secret);
    expect(configError(() => loadConfig({ env: { EAIO_ANONYMISATION_SECRET: 'short' } })).issues[0].path).toBe('privacy.anonymisation.secret');
  });

  it('identifying columns are configurable: plain and coordinate columns from the file, lower-cased', () => {
    const config = loadConfig({
      env: {},
      overrides: { privacy: { anonymisation: { plainColumns: ['sqm', 'yearbuilt'], coordinateColumns: ['gps_lat'], coordinateDecimals: 2 } } },
    });
    expect(config.privacy.anonymisation).toMatchObject({ plainColumns: ['sqm', 'yearbuilt'], coordinateColumns: ['gps_lat'], coordinateDecimals: 2 });
  });
});
