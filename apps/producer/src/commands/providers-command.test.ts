import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@eaio/core';
import { catalogueModels, startEmulator, type Emulator } from '@eaio/emulator';
import { checkConfiguredModels, logModelProblems, runProvidersCheck } from './providers-command';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const KEY = ['emulated', 'key'].join('-');

/** The shipped config, every endpoint pointed at one emulator that serves only the model catalogue, the api tier naming `api`. */
const configAgainstEmulator = async (api: { endpoint: string; model: string }[]) => {
  emulator = await startEmulator({ timeScale: 0, models: catalogueModels(), availableModels: { emulator: Object.keys(catalogueModels()) } });
  return loadConfig({
    path: resolve(import.meta.dirname, '../../../../config/eaio.yaml'),
    env: {
      OLLAMA_BASE_URL: emulator.url,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: emulator.url,
      GOOGLE_API_KEY: KEY,
      GEMINI_BASE_URL: emulator.url,
    },
    overrides: { tiers: { api: { candidates: api.map((candidate) => ({ ...candidate, maxTokens: 2048, contextWindow: 200_000 })) } } },
  });
};

describe('eaio providers check', () => {
  it('names a retired configured model, that the endpoint does not list it, and its replacement', async () => {
    const config = await configAgainstEmulator([
      { endpoint: 'anthropic', model: 'claude-3-5-haiku-latest' },
      { endpoint: 'openai', model: 'gpt-6-luna' },
    ]);
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += String(chunk)));
    const code = await runProvidersCheck(config, out, { now: new Date('2026-11-30T12:00:00Z') });
    if (process.env.EAIO_PRINT_PROVIDERS_CHECK) process.stdout.write(text);
    expect(code).toBe(0);
    expect(text).toMatch(/^anthropic\s+anthropic\s+anthropic\s+\S+\s+missing models\s.*claude-3-5-haiku-latest$/m);
    expect(text).toContain('anthropic: lacks claude-3-5-haiku-latest (retired; use claude-haiku-4-5)');
    expect(text).toContain('anthropic: anthropic/claude-3-5-haiku-latest was retired on 2026-02-19 (requests fail); use claude-haiku-4-5');
    expect(text).toMatch(/^openai\s+openai\s+openai-compatible\s+\S+\s+ok\b/m);
    expect(text).not.toContain(KEY);
  });

  it('warns about a retired model even on an endpoint without its key', async () => {
    const config = loadConfig({
      path: resolve(import.meta.dirname, '../../../../config/eaio.yaml'),
      env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' },
      overrides: { tiers: { api: { candidates: [{ endpoint: 'anthropic', model: 'claude-3-5-haiku-latest', maxTokens: 2048, contextWindow: 200_000 }] } } },
    });
    const report = await checkConfiguredModels(config, { now: new Date('2026-11-30T12:00:00Z'), timeoutMs: 500 });
    expect(report.find((check) => check.endpointId === 'anthropic')).toMatchObject({
      enabled: false,
      modelNotices: [{ model: 'claude-3-5-haiku-latest', status: 'retired', replacement: 'claude-haiku-4-5' }],
    });
  });

  it('worker start-up logs missing and retired models as errors, deprecated ones as warnings', async () => {
    const config = await configAgainstEmulator([
      { endpoint: 'anthropic', model: 'claude-3-5-haiku-latest' },
      { endpoint: 'openai', model: 'gpt-4o-mini' },
      { endpoint: 'gemini', model: 'gemini-3.1-flash-lite' },
    ]);
    const lines: { level: string; message: string }[] = [];
    const log = {
      warn: (_fields: object, message: string) => lines.push({ level: 'warn', message }),
      error: (_fields: object, message: string) => lines.push({ level: 'error', message }),
    };
    const report = await checkConfiguredModels(config, { now: new Date('2026-11-30T12:00:00Z') });
    expect(logModelProblems(report, log as never)).toBe(4);
    expect(lines).toEqual([
      { level: 'error', message: 'openai does not list configured model(s) gpt-4o-mini; calls to them will fail' },
      { level: 'warn', message: 'openai/gpt-4o-mini is deprecated and retires on 2027-01-14 (in 45 days); use gpt-6-luna' },
      { level: 'error', message: 'anthropic does not list configured model(s) claude-3-5-haiku-latest; calls to them will fail' },
      { level: 'error', message: 'anthropic/claude-3-5-haiku-latest was retired on 2026-02-19 (requests fail); use claude-haiku-4-5' },
    ]);
  });
});
