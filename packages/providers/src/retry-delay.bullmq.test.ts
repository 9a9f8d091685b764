import { randomUUID } from 'node:crypto';
import { PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleAdapter } from './adapters/openai-compatible-adapter';
import { ProviderError } from './errors';
import { retryDelayMs } from './retry-delay';

const connection = { host: '127.0.0.1', port: 6379 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('retryDelayMs as BullMQ backoffStrategy', () => {
  it('waits out retry-after: 1 from an emulated 429 before the second request', async () => {
    const emulator: Emulator = await startEmulator({
      timeScale: 0,
      models: { 'gpt-4o-mini': withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 1 }) },
    });
    cleanups.push(() => emulator.close());
    const adapter = createOpenAiCompatibleAdapter({ id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${emulator.url}/v1`, apiKey: 'sk-test', local: false });
    const name = `providers-backoff-${randomUUID()}`;
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await events.close();
    });
    const failures: ProviderError[] = [];
    const worker = new Worker(
      name,
      async (job: Job) =>
        (await adapter.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], timeoutMs: 2_000, attemptId: `${job.id}:${job.attemptsMade + 1}` })).text,
      {
        connection,
        // tiny base so that only retry-after can explain a ≥ 1 s gap
        settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelayMs(error, attemptsMade, { baseMs: 10, maxMs: 50 }) },
      },
    );
    cleanups.push(() => worker.close());
    worker.on('failed', (_job, error) => {
      if (ProviderError.isInstance(error)) failures.push(error);
      emulator.configure({ models: { 'gpt-4o-mini': { faults: { rateLimit: 0 } } } });
    });
    await events.waitUntilReady();
    const job = await queue.add('chat', {}, { attempts: 3, backoff: { type: 'provider' } });
    const text = await job.waitUntilFinished(events, 10_000);

    expect(typeof text).toBe('string');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'rate-limit', retryAfterMs: 1_000 });
    const chats = emulator.log().filter((entry) => entry.operation === 'chat');
    expect(chats.map((entry) => entry.status)).toEqual([429, 200]);
    expect(chats.map((entry) => entry.attemptId)).toEqual([`${job.id}:1`, `${job.id}:2`]);
    expect(chats[1].startedAt - chats[0].startedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('fails a job at once on a non-retryable error', async () => {
    const emulator: Emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['gpt-4o-mini'] } });
    cleanups.push(() => emulator.close());
    const adapter = createOpenAiCompatibleAdapter({ id: 'openai', provider: 'openai', kind: 'openai-compatible', baseUrl: `${emulator.url}/v1`, apiKey: 'sk-test', local: false });
    const name = `providers-backoff-${randomUUID()}`;
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await events.close();
    });
    const worker = new Worker(name, async () => adapter.chat({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hello' }], timeoutMs: 2_000 }), {
      connection,
      settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelayMs(error, attemptsMade, { baseMs: 10 }) },
    });
    cleanups.push(() => worker.close());
    await events.waitUntilReady();
    const job = await queue.add('chat', {}, { attempts: 5, backoff: { type: 'provider' } });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/404/);
    expect(emulator.log().filter((entry) => entry.operation === 'chat')).toHaveLength(1);
  });
});
