import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { ENV_VARIABLES } from './env-variables';
import { DEFAULT_CONFIG_PATH, loadConfig } from './load-config';
import { configSecrets, redactConfig } from './redact-config';
import { availableTiers } from './resolve-config';

const directory = mkdtempSync(join(tmpdir(), 'eaio-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;
const writeYaml = (text: string): string => {
  fileCount += 1;
  const path = join(directory, `config-${fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
};

const configError = (load: () => unknown): ConfigError => {
  try {
    load();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const OPENAI_KEY = ['sk', 'test-openai-0123456789abcdef'].join('-');

describe('loadConfig with the shipped config/eaio.yaml', () => {
  it('loads with an empty env: local tiers usable, every paid endpoint disabled for want of its key', () => {
    const config = loadConfig({ env: {} });
    expect(config.source).toBe(DEFAULT_CONFIG_PATH);
    expect(availableTiers(config)).toEqual(['local-fast', 'local-quality']);
    expect(config.tiers['local-fast'].candidates[0]).toMatchObject({ model: 'llama3.2:3b', endpointIds: ['ollama-1'] });
    expect(config.tiers['local-quality'].candidates[0].model).toBe('qwen2.5:7b-instruct');
    expect(config.tiers.api.candidates.map((candidate) => candidate.model)).toEqual(['gpt-6-luna', 'deepseek-chat', 'claude-haiku-4-5', 'gemini-3.1-flash-lite']);
    for (const endpoint of config.endpoints.filter((candidate) => !candidate.local)) {
      expect(endpoint.enabled).toBe(false);
      expect(endpoint.disabledReason).toContain(endpoint.apiKeyEnv);
      expect(endpoint.apiKey).toBeUndefined();
    }
    expect(config.limits).toEqual({ maxConcurrentLocal: 2, maxConcurrentApi: 10, localTimeoutSec: undefined, apiTimeoutSec: 30, slotLeaseMs: 4000 });
    // No fixed local timeout: the workers derive one per call (localTimeout).
    expect(config.tiers['local-fast']).toMatchObject({ timeoutSec: undefined, concurrency: 2 });
    expect(config.localTimeout).toMatchObject({
      tokensPerSecond: 20,
      models: { 'qwen2.5:7b-instruct': 25 },
      firstTokenSec: 10,
      modelLoadSec: 60,
      keepAlive: '30m',
      safetyFactor: 1.5,
    });
    expect(config.tiers.api).toMatchObject({ timeoutSec: 30, concurrency: 10, available: false });
    expect(config.routing.defaultPrivacy).toBe('PRIVATE');
    expect(config.quality.defaultThreshold).toBe(0.7);
    expect(config.report).toMatchObject({ cron: '0 2 * * *', timezone: 'UTC' });
    expect(config.budgets).toMatchObject({ alertThreshold: 0.8, localOnlyBelowShare: 0.1, maxReservationShare: 0.05, onExhausted: 'wait' });
    expect(config.endpoints.find((endpoint) => endpoint.id === 'ollama-1')?.maxInFlight).toBe(2);
  });

  it('enables a paid endpoint and the api tier only when its key is present', () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: OPENAI_KEY } });
    const openai = config.endpoints.find((endpoint) => endpoint.id === 'openai');
    expect(openai).toMatchObject({ enabled: true, apiKey: OPENAI_KEY });
    expect(config.tiers.api.candidates.map((candidate) => candidate.enabled)).toEqual([true, false, false, false]);
    expect(availableTiers(config)).toEqual(['local-fast', 'local-quality', 'api']);
  });

  it('treats a blank variable as unset', () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: '  ', MAX_CONCURRENT_LOCAL: '' } });
    expect(availableTiers(config)).not.toContain('api');
    expect(config.limits.maxConcurrentLocal).toBe(2);
  });

  it('turns a comma-separated OLLAMA_BASE_URL into one endpoint per host, all serving the ollama candidates', () => {
    const config = loadConfig({ env: { OLLAMA_BASE_URL: 'http://gpu-a:11434, http://gpu-b:11434' } });
    const ollama = config.endpoints.filter((endpoint) => endpoint.provider === 'ollama');
    expect(ollama.map((endpoint) => [endpoint.id, endpoint.baseUrl])).toEqual([
      ['ollama-1', 'http://gpu-a:11434'],
      ['ollama-2', 'http://gpu-b:11434'],
    ]);
    expect(config.tiers['local-quality'].candidates[0].endpointIds).toEqual(['ollama-1', 'ollama-2']);
  });

  it('enables local-openai from LOCAL_OPENAI_BASE_URL and moves paid base URLs from env', () => {
    const before = loadConfig({ env: {} }).endpoints.find((endpoint) => endpoint.id === 'local-openai');
    expect(before).toMatchObject({ enabled: false });
    expect(before?.disabledReason).toContain('LOCAL_OPENAI_BASE_URL');
    const config = loadConfig({
      env: {
        LOCAL_OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
        OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9998',
        GEMINI_BASE_URL: 'http://127.0.0.1:9997',
      },
    });
    const byId = Object.fromEntries(config.endpoints.map((endpoint) => [endpoint.id, endpoint]));
    expect(byId['local-openai']).toMatchObject({ enabled: true, baseUrl: 'http://127.0.0.1:1234/v1', local: true });
    expect(byId.openai.baseUrl).toBe('http://127.0.0.1:9999/v1');
    expect(byId.anthropic.baseUrl).toBe('http://127.0.0.1:9998');
    expect(byId.gemini.baseUrl).toBe('http://127.0.0.1:9997');
  });

  it.each([
    ['DEFAULT_PRIVACY_LEVEL', 'PUBLIC', (c: ReturnType<typeof loadConfig>) => c.routing.defaultPrivacy, 'PUBLIC'],
    ['MAX_CONCURRENT_LOCAL', '3', (c: ReturnType<typeof loadConfig>) => [c.limits.maxConcurrentLocal, c.tiers['local-fast'].concurrency, c.endpoints[0].maxInFlight], [3, 3, 3]],
    ['MAX_CONCURRENT_API', '4', (c: ReturnType<typeof loadConfig>) => c.tiers.api.concurrency, 4],
    ['LOCAL_TIMEOUT_SEC', '25', (c: ReturnType<typeof loadConfig>) => c.tiers['local-quality'].timeoutSec, 25],
    ['API_TIMEOUT_SEC', '45', (c: ReturnType<typeof loadConfig>) => c.tiers.api.timeoutSec, 45],
    ['REDIS_URL', 'redis://127.0.0.1:6379', (c: ReturnType<typeof loadConfig>) => c.connections.redisUrl, 'redis://127.0.0.1:6379'],
    ['DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/test', (c: ReturnType<typeof loadConfig>) => c.connections.databaseUrl, 'postgres://postgres@127.0.0.1:5432/test'],
    ['BOARD_TOKEN', 'board-token-0123456789', (c: ReturnType<typeof loadConfig>) => c.board.token, 'board-token-0123456789'],
    ['BOARD_PORT', '8080', (c: ReturnType<typeof loadConfig>) => c.board.port, 8080],
    ['LOG_LEVEL', 'debug', (c: ReturnType<typeof loadConfig>) => c.logLevel, 'debug'],
    ['LLM_MONTHLY_BUDGET', '120.5', (c: ReturnType<typeof loadConfig>) => c.budgets.monthlyUsd, 120.5],
    ['LLM_DAILY_BUDGET', '7', (c: ReturnType<typeof loadConfig>) => c.budgets.dailyUsd, 7],
    ['COST_ALERT_THRESHOLD', '0.5', (c: ReturnType<typeof loadConfig>) => c.budgets.alertThreshold, 0.5],
    ['COST_ALERT_WEBHOOK_URL', 'https://hooks.example.com/T0/B0/secret', (c: ReturnType<typeof loadConfig>) => c.budgets.alertWebhookUrl, 'https://hooks.example.com/T0/B0/secret'],
    ['EMERGENCY_LOCAL_ONLY', 'true', (c: ReturnType<typeof loadConfig>) => c.routing.emergencyLocalOnly, true],
    ['EMERGENCY_LOCAL_ONLY', '0', (c: ReturnType<typeof loadConfig>) => c.routing.emergencyLocalOnly, false],
    ['REPORT_CRON', '30 3 * * 1', (c: ReturnType<typeof loadConfig>) => c.report.cron, '30 3 * * 1'],
    ['REPORT_TIMEZONE', 'Europe/Berlin', (c: ReturnType<typeof loadConfig>) => c.report.timezone, 'Europe/Berlin'],
    ['QUALITY_THRESHOLD', '0.6', (c: ReturnType<typeof loadConfig>) => c.quality.defaultThreshold, 0.6],
  ])('env %s=%s overrides the file', (name, value, read, expected) => {
    expect(read(loadConfig({ env: { [name]: value } }))).toEqual(expected);
  });

  it.each([
    ['MAX_CONCURRENT_LOCAL', 'two', 'limits.maxConcurrentLocal'],
    ['COST_ALERT_THRESHOLD', '1.5', 'budgets.alertThreshold'],
    ['DEFAULT_PRIVACY_LEVEL', 'SECRET', 'routing.defaultPrivacy'],
    ['EMERGENCY_LOCAL_ONLY', 'maybe', 'routing.emergencyLocalOnly'],
    ['REPORT_TIMEZONE', 'Mars/Olympus', 'report.timezone'],
    ['REPORT_CRON', 'every night', 'report.cron'],
    ['REDIS_URL', 'localhost:6379', 'connections.redisUrl'],
    ['BOARD_TOKEN', 'short', 'board.token'],
  ])('a bad %s=%s is reported with its field path and the variable to fix', (name, value, path) => {
    const error = configError(() => loadConfig({ env: { [name]: value } }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path, source: `env ${name}` });
    expect(error.issues[0].hint).toContain(`Set ${name}`);
    expect(error.message).toContain(path);
  });

  it('never echoes a rejected secret value in the error', () => {
    const error = configError(() =>
      loadConfig({ env: { DATABASE_URL: 'mysql://root:db-secret-771@db/eaio', BOARD_TOKEN: 'tok-772', COST_ALERT_WEBHOOK_URL: 'not a url secret-773' } }),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['board.token', 'budgets.alertWebhookUrl', 'connections.databaseUrl']);
    for (const secret of ['db-secret-771', 'tok-772', 'secret-773']) expect(error.message).not.toContain(secret);
  });

  it('lists several problems at once', () => {
    const error = configError(() => loadConfig({ env: { MAX_CONCURRENT_API: '0', LLM_DAILY_BUDGET: '-1' } }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['budgets.dailyUsd', 'limits.maxConcurrentApi']);
  });

  it('applies overrides after env and names them as the source of their errors', () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'debug' }, overrides: { logLevel: 'warn', routing: { apiAbove: 0.9 } } });
    expect(config.logLevel).toBe('warn');
    expect(config.routing.apiAbove).toBe(0.9);
    expect(config.routing.localQualityAbove).toBe(0.35); // the rest of the section stays
    const error = configError(() => loadConfig({ env: {}, overrides: { budgets: { alertThreshold: 3 } } }));
    expect(error.issues[0]).toMatchObject({ path: 'budgets.alertThreshold', source: 'overrides' });
  });
});

describe('loadConfig with other files', () => {
  it('reads EAIO_CONFIG when no path is given', () => {
    const path = writeYaml('logLevel: error\n');
    const config = loadConfig({ env: { EAIO_CONFIG: path } });
    expect(config.source).toBe(path);
    expect(config.logLevel).toBe('error');
    expect(config.endpoints).toEqual([]);
    expect(availableTiers(config)).toEqual([]);
  });

  it('an explicit path wins over EAIO_CONFIG; path false reads no file', () => {
    const path = writeYaml('logLevel: warn\n');
    expect(loadConfig({ env: { EAIO_CONFIG: '/nonexistent.yaml' }, path }).logLevel).toBe('warn');
    const none = loadConfig({ env: { EAIO_CONFIG: '/nonexistent.yaml' }, path: false });
    expect(none.source).toBeUndefined();
    expect(none.logLevel).toBe('info');
  });

  it('an empty file means all defaults', () => {
    const config = loadConfig({ env: {}, path: writeYaml('') });
    expect(config.retries).toEqual({
      attemptsPerTier: { 'local-fast': 2, 'local-quality': 2, api: 3 },
      backoffBaseMs: 1000,
      backoffMaxMs: 30000,
      retryAfterMaxMs: 60000,
      maxTotalAttempts: 10,
    });
  });

  it('reports a missing file', () => {
    const error = configError(() => loadConfig({ env: {}, path: join(directory, 'missing.yaml') }));
    expect(error.issues[0].message).toContain('not found');
    expect(error.issues[0].hint).toContain('EAIO_CONFIG');
  });

  it('reports YAML syntax errors with the line', () => {
    const error = configError(() => loadConfig({ env: {}, path: writeYaml('logLevel: info\nroutng: [unclosed\n') }));
    expect(error.issues[0].message).toMatch(/YAML syntax error at line \d/);
  });

  it('rejects a misspelt key instead of ignoring it', () => {
    const path = writeYaml('routing:\n  apiAbov: 0.5\n');
    const error = configError(() => loadConfig({ env: {}, path }));
    expect(error.issues[0]).toMatchObject({ path: 'routing', source: path });
    expect(error.issues[0].hint).toContain('"apiAbov"');
  });

  it('names the array index of a bad candidate', () => {
    const path = writeYaml(`
endpoints:
  - { id: ollama-1, provider: ollama, kind: ollama, baseUrl: "http://127.0.0.1:11434", local: true }
tiers:
  local-fast:
    candidates:
      - { endpoint: ollama, model: a }
      - { endpoint: ollama, model: "", maxTokens: -5 }
`);
    const error = configError(() => loadConfig({ env: {}, path }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['tiers.local-fast.candidates[1].maxTokens', 'tiers.local-fast.candidates[1].model']);
  });

  it('refuses a local tier that names a paid endpoint (PRIVATE jobs would leak)', () => {
    const path = writeYaml(`
endpoints:
  - { id: openai, provider: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", apiKeyEnv: OPENAI_API_KEY, local: false }
tiers:
  local-quality:
    candidates: [{ endpoint: openai, model: gpt-4o-mini }]
`);
    const error = configError(() => loadConfig({ env: { OPENAI_API_KEY: OPENAI_KEY }, path }));
    expect(error.issues[0].path).toBe('tiers.local-quality.candidates[0].endpoint');
    expect(error.issues[0].message).toContain('paid endpoint');
    expect(error.message).not.toContain(OPENAI_KEY);
  });

  it('reports unknown endpoint references and duplicate ids', () => {
    const path = writeYaml(`
endpoints:
  - { id: ollama-1, provider: ollama, kind: ollama, baseUrl: "http://127.0.0.1:11434", local: true }
  - { id: ollama-1, provider: ollama, kind: ollama, baseUrl: "http://127.0.0.1:11435", local: true }
tiers:
  local-fast:
    candidates: [{ endpoint: olama, model: a }]
`);
    const error = configError(() => loadConfig({ env: {}, path }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['endpoints[1].id', 'tiers.local-fast.candidates[0].endpoint']);
    expect(error.issues[1].hint).toContain('ollama');
  });
});

describe('redactConfig and configSecrets', () => {
  it('hide keys, token, URL passwords and the webhook without touching the original', () => {
    const env = {
      OPENAI_API_KEY: OPENAI_KEY,
      BOARD_TOKEN: 'board-token-abcdef012345',
      DATABASE_URL: 'postgres://eaio:db-pass-991@db:5432/eaio',
      REDIS_URL: 'redis://:redis-pass-992@redis:6379',
      COST_ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/webhook-secret-993',
    };
    const config = loadConfig({ env });
    const text = JSON.stringify(redactConfig(config));
    for (const secret of [OPENAI_KEY, 'board-token-abcdef012345', 'db-pass-991', 'redis-pass-992', 'webhook-secret-993']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('postgres://eaio:[redacted]@db:5432/eaio');
    expect(config.endpoints.find((endpoint) => endpoint.id === 'openai')?.apiKey).toBe(OPENAI_KEY);
    expect(configSecrets(config).sort()).toEqual([OPENAI_KEY, 'board-token-abcdef012345', 'db-pass-991', 'redis-pass-992', env.COST_ALERT_WEBHOOK_URL].sort());
  });
});

describe('.env.example', () => {
  it('documents every variable eaio reads, each with a comment line', () => {
    const text = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    const lines = text.split('\n');
    for (const variable of ENV_VARIABLES) {
      const index = lines.findIndex((line) => new RegExp(`^#?\\s*${variable.name}=`).test(line));
      expect(index, `${variable.name} missing from .env.example`).toBeGreaterThan(0);
      expect(lines[index - 1].startsWith('#'), `${variable.name} has no comment line`).toBe(true);
    }
  });
});
