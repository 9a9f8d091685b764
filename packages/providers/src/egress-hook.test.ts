import { startEmulator, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from './create-adapter';
import { EgressRecordError } from './egress-record-error';
import type { EndpointConfig, OutgoingRequest } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const KEY = ['key', 'egress-test-0123456789'].join('-');
const endpoints = (url: string): [EndpointConfig, string][] => [
  [{ id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${url}/v1`, apiKey: KEY, local: false }, 'gpt-4o-mini'],
  [{ id: 'anthropic', provider: 'anthropic', kind: 'anthropic', baseUrl: url, apiKey: KEY, local: false }, 'claude-emulated-1'],
  [{ id: 'gemini', provider: 'gemini', kind: 'gemini', baseUrl: url, apiKey: KEY, local: false }, 'gemini-emulated-1'],
  [{ id: 'ollama-1', provider: 'ollama', kind: 'ollama', baseUrl: url, local: true }, 'llama3.2:3b'],
];
const request = {
  system: 'You are an energy analyst.',
  messages: [{ role: 'user' as const, content: 'Building Ü-12 “Hazel House”: summarise its load shape.' }],
  timeoutMs: 5_000,
  responseFormat: { type: 'json' as const, schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] } },
};

describe('beforeSend: the body exactly as it goes on the wire, through every SDK', () => {
  it('hands over the SHA-256 and size of the very bytes the server received, once per request', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    for (const [endpoint, model] of endpoints(emulator.url)) {
      emulator.reset();
      const seen: OutgoingRequest[] = [];
      await createAdapter(endpoint).chat({
        ...request,
        model,
        attemptId: `a-${endpoint.id}`,
        beforeSend: async (outgoing) => {
          seen.push(outgoing);
        },
      });
      const chats = emulator.log().filter((entry) => entry.operation === 'chat');
      expect(chats, endpoint.id).toHaveLength(1);
      expect(seen, endpoint.id).toHaveLength(1);
      expect(seen[0].bodySha256, endpoint.id).toBe(chats[0].bodySha256);
      expect(seen[0].bodyBytes, endpoint.id).toBe(chats[0].bodyBytes);
      expect(seen[0].bodyBytes).toBeGreaterThan(100);
      expect(seen[0].method).toBe('POST');
      expect(new URL(seen[0].url).pathname).toBe(chats[0].path);
    }
  });

  it('a beforeSend that throws stops the request unsent, as an EgressRecordError', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    for (const [endpoint, model] of endpoints(emulator.url)) {
      emulator.reset();
      const error = await createAdapter(endpoint)
        .chat({
          ...request,
          model,
          beforeSend: async () => {
            throw new Error('audit table unreachable');
          },
        })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(EgressRecordError.isInstance(error), `${endpoint.id}: ${String(error)}`).toBe(true);
      expect((error as Error).message).toContain('audit table unreachable');
      expect(
        emulator.log().filter((entry) => entry.operation === 'chat'),
        endpoint.id,
      ).toEqual([]);
    }
  });
});

describe('OPENAI_ORG_ID', () => {
  it('the openai client sends the endpoint organization as OpenAI-Organization', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const headers: (string | null)[] = [];
    const spy: typeof fetch = async (input, init) => {
      headers.push(new Headers(init?.headers).get('openai-organization'));
      return fetch(input, init);
    };
    const [openai] = endpoints(emulator.url)[0];
    await createAdapter({ ...openai, organization: 'org-test123' }, { fetch: spy }).chat({ ...request, model: 'gpt-4o-mini' });
    await createAdapter(openai, { fetch: spy }).chat({ ...request, model: 'gpt-4o-mini' });
    expect(headers).toEqual(['org-test123', null]);
  });
});
