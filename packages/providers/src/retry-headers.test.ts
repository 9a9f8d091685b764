import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicAdapter } from './adapters/anthropic-adapter';
import { createGeminiAdapter } from './adapters/gemini-adapter';
import { createOpenAiCompatibleAdapter } from './adapters/openai-compatible-adapter';
import { ProviderError } from './errors';
import { NO_RETRY, retryDelayMs } from './retry-delay';
import type { EndpointConfig } from './types';

/** A server that answers every request with one fixed error response (status, headers, provider-shaped body). */
const errorServer = async (status: number, headers: Record<string, string>, body: unknown): Promise<{ url: string; requests: () => number; server: Server }> => {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, server };
};

const servers: Server[] = [];
let emulator: Emulator | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await emulator?.close();
  emulator = undefined;
});

const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
};

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Summarise building 12.' }], timeoutMs: 5_000 };
const openAiError = { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } };
const anthropicError = { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } };

describe('retry-after cap and x-should-retry through the SDKs (their own retries off)', () => {
  it('openai: an hour-long retry-after is cut to 60 s; x-should-retry: false makes a 429 final', async () => {
    const fake = await errorServer(429, { 'retry-after': '3600', 'x-should-retry': 'false' }, openAiError);
    servers.push(fake.server);
    const endpoint: EndpointConfig = { id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${fake.url}/v1`, apiKey: 'placeholder-key', local: false };
    const error = await failure(createOpenAiCompatibleAdapter(endpoint).chat(request));
    expect(error).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 60_000, isRetryable: false });
    expect(retryDelayMs(error, 1)).toBe(NO_RETRY);
    expect(fake.requests()).toBe(1);
    const configured = await failure(createOpenAiCompatibleAdapter(endpoint, { retryAfterMaxMs: 2_000 }).chat(request));
    expect(configured.retryAfterMs).toBe(2_000);
  });

  it('anthropic: x-should-retry: true makes a 400 retryable; the retry waits at most the cap', async () => {
    const fake = await errorServer(400, { 'retry-after': '600', 'x-should-retry': 'true' }, { type: 'error', error: { type: 'invalid_request_error', message: 'try again' } });
    servers.push(fake.server);
    const endpoint: EndpointConfig = { id: 'anthropic', provider: 'anthropic', kind: 'anthropic', baseUrl: fake.url, apiKey: 'placeholder-key', local: false };
    const error = await failure(createAnthropicAdapter(endpoint, { retryAfterMaxMs: 30_000 }).chat(request));
    expect(error).toMatchObject({ kind: 'bad-request', statusCode: 400, retryAfterMs: 30_000, isRetryable: true });
    expect(retryDelayMs(error, 1, { random: () => 0 })).toBe(30_000);
    expect(fake.requests()).toBe(1);
  });

  it('anthropic: a 429 without x-should-retry stays retryable', async () => {
    const fake = await errorServer(429, { 'retry-after': '2' }, anthropicError);
    servers.push(fake.server);
    const endpoint: EndpointConfig = { id: 'anthropic', provider: 'anthropic', kind: 'anthropic', baseUrl: fake.url, apiKey: 'placeholder-key', local: false };
    const error = await failure(createAnthropicAdapter(endpoint).chat(request));
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 2_000, isRetryable: true });
  });

  it('gemini: a RetryInfo of an hour (emulator) is cut to the cap', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'api', requireApiKey: true }],
      defaultModel: withBehaviour(PRESETS.api, { faults: { rateLimit: 1 }, retryAfterSeconds: 3_600 }),
    });
    const endpoint: EndpointConfig = { id: 'gemini', provider: 'gemini', kind: 'gemini', baseUrl: emulator.url, apiKey: 'gm-test-0123456789', local: false };
    const error = await failure(createGeminiAdapter(endpoint).chat({ ...request, model: 'gemini-2.5-flash' }));
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 60_000, isRetryable: true });
  });
});
