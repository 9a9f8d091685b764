import { createServer } from 'node:net';
import { startEmulator, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProviders, formatProvidersReport } from './check-providers';
import { createAdapter } from './create-adapter';
import type { EndpointConfig } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A port nothing listens on: bound, noted, released. */
const closedPort = async (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('checkProviders', () => {
  it('reports reachable endpoints with models and missing ones, an endpoint down, and a disabled one', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'ollama-1' }, { name: 'api', requireApiKey: true }],
      availableModels: { 'ollama-1': ['llama3.2:3b'], api: ['gpt-4o-mini'] },
    });
    const [ollama, api] = emulator.hosts;
    const port = await closedPort();
    const endpoints: EndpointConfig[] = [
      { id: 'ollama-1', provider: 'ollama', kind: 'ollama', baseUrl: ollama.url, local: true },
      { id: 'ollama-2', provider: 'ollama', kind: 'ollama', baseUrl: `http://127.0.0.1:${port}`, local: true },
      { id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${api.url}/v1`, apiKey: 'sk-secret-value-123', local: false },
      { id: 'anthropic', provider: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', local: false, enabled: false, disabledReason: 'set ANTHROPIC_API_KEY' },
    ];
    const configured = { 'ollama-1': ['llama3.2:3b', 'qwen2.5:7b-instruct'], 'ollama-2': ['llama3.2:3b'], openai: ['gpt-4o-mini'], anthropic: ['claude-3-5-haiku-latest'] };
    const report = await checkProviders(endpoints, configured, (endpoint) => createAdapter(endpoint), { timeoutMs: 1_000 });

    expect(report.map((check) => [check.endpointId, check.reachable])).toEqual([
      ['ollama-1', true],
      ['ollama-2', false],
      ['openai', true],
      ['anthropic', false],
    ]);
    expect(report[0]).toMatchObject({ models: ['llama3.2:3b'], missingModels: ['qwen2.5:7b-instruct'] });
    expect(report[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(report[1]).toMatchObject({ enabled: true, missingModels: ['llama3.2:3b'], error: expect.stringMatching(/network error: ECONNREFUSED/) });
    expect(report[2]).toMatchObject({ models: ['gpt-4o-mini'], missingModels: [] });
    expect(report[3]).toMatchObject({ enabled: false, error: 'set ANTHROPIC_API_KEY' });
    expect(emulator.log().some((entry) => entry.host === 'api' && entry.path === '/v1/models')).toBe(true);

    const text = formatProvidersReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ENDPOINT\s+PROVIDER\s+KIND\s+URL\s+STATUS\s+LATENCY\s+MODELS\s+MISSING$/);
    expect(lines.find((line) => line.startsWith('ollama-1 '))).toMatch(/missing models .* qwen2\.5:7b-instruct$/);
    expect(lines.find((line) => line.startsWith('ollama-2 '))).toMatch(/unreachable/);
    expect(lines.find((line) => line.startsWith('openai '))).toMatch(/\bok\b/);
    expect(lines.find((line) => line.startsWith('anthropic '))).toMatch(/disabled/);
    expect(text).toContain('2 of 4 endpoints reachable');
    expect(text).toContain('ollama-1: lacks qwen2.5:7b-instruct (ollama pull qwen2.5:7b-instruct)');
    expect(text).toMatch(/ollama-2: .*ECONNREFUSED/);
    expect(text).not.toContain('sk-secret-value-123');
    // columns line up: STATUS starts at the same offset on every table row
    const statusColumn = lines[0].indexOf('STATUS');
    for (const line of lines.slice(1, 5)) expect(line.slice(statusColumn)).toMatch(/^(ok|missing models|unreachable|disabled)/);
  });
});

describe('checkProviders with a model lifecycle lookup', () => {
  it('reports a configured model the endpoint does not list and one past its retirement date, with the replacement', async () => {
    emulator = await startEmulator({ timeScale: 0, hosts: [{ name: 'api', requireApiKey: true }], availableModels: { api: ['claude-haiku-4-5', 'gpt-4o-mini'] } });
    const [api] = emulator.hosts;
    const endpoints: EndpointConfig[] = [
      { id: 'anthropic', provider: 'anthropic', kind: 'anthropic', baseUrl: api.url, apiKey: 'test-key', local: false },
      { id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${api.url}/v1`, apiKey: 'test-key', local: false },
    ];
    const notices: Record<string, { status: 'retired' | 'deprecated'; message: string; replacement: string }> = {
      'anthropic/claude-3-5-haiku-latest': {
        status: 'retired',
        message: 'anthropic/claude-3-5-haiku-latest was retired on 2026-02-19 (requests fail); use claude-haiku-4-5',
        replacement: 'claude-haiku-4-5',
      },
      'openai/gpt-4o-mini': { status: 'deprecated', message: 'openai/gpt-4o-mini is deprecated and retires on 2027-01-14 (in 45 days); use gpt-6-luna', replacement: 'gpt-6-luna' },
    };
    const report = await checkProviders(endpoints, { anthropic: ['claude-3-5-haiku-latest'], openai: ['gpt-4o-mini'] }, (endpoint) => createAdapter(endpoint), {
      timeoutMs: 1_000,
      modelNotice: (provider, model) => notices[`${provider}/${model}`],
    });
    expect(report[0]).toMatchObject({ reachable: true, missingModels: ['claude-3-5-haiku-latest'], modelNotices: [{ model: 'claude-3-5-haiku-latest', status: 'retired' }] });
    expect(report[1]).toMatchObject({ reachable: true, missingModels: [], modelNotices: [{ model: 'gpt-4o-mini', status: 'deprecated' }] });
    const text = formatProvidersReport(report);
    expect(text).toContain('anthropic: lacks claude-3-5-haiku-latest (retired; use claude-haiku-4-5)');
    expect(text).toContain('anthropic: anthropic/claude-3-5-haiku-latest was retired on 2026-02-19 (requests fail); use claude-haiku-4-5');
    expect(text).toContain('openai: openai/gpt-4o-mini is deprecated and retires on 2027-01-14');
    expect(text.split('\n').find((line) => line.startsWith('openai '))).toMatch(/deprecated models/);
  });
});
