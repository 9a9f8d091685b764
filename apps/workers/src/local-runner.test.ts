import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PRESETS, startEmulator, withBehaviour } from '@eaio/emulator';
import { createOllamaAdapter, ProviderError } from '@eaio/providers';
import { createQueueStore, createRedisSlotLeaser, type PipelineJobData } from '@eaio/queues';
import { JobLockLostError, startLocalRunner } from './local-runner';

const REDIS = 'redis://127.0.0.1:6379';

describe('local runner: one cap per host across both local queues and processes', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const setup = () => {
    const prefix = `eaio-test-${randomUUID()}`;
    const store = createQueueStore({ kind: 'redis', url: REDIS, prefix });
    const fast = store.createQueue<PipelineJobData>('local-fast');
    const quality = store.createQueue<PipelineJobData>('local-quality');
    cleanups.push(async () => {
      for (const queue of [fast, quality] as Queue[]) {
        await queue.obliterate({ force: true });
        await queue.close();
      }
    });
    let inFlight = 0;
    const timeline: { t: number; inFlight: number; tier: string }[] = [];
    const done: string[] = [];
    const startProcess = () => {
      const workers = {
        'local-fast': store.createWorker<PipelineJobData>('local-fast', null),
        'local-quality': store.createWorker<PipelineJobData>('local-quality', null),
      } as const;
      const leaser = createRedisSlotLeaser(REDIS, prefix);
      const runner = startLocalRunner({
        hosts: [{ id: 'ollama-a', maxInFlight: 2, tiers: ['local-quality', 'local-fast'] }],
        workers,
        leaser,
        idlePollMs: 5,
        onError: (error) => {
          throw error;
        },
        process: async (job: Job<PipelineJobData>) => {
          inFlight += 1;
          timeline.push({ t: Date.now(), inFlight, tier: job.queueName });
          await new Promise((resolve) => setTimeout(resolve, 40));
          inFlight -= 1;
          timeline.push({ t: Date.now(), inFlight, tier: job.queueName });
          done.push(String(job.id));
          return { ok: true };
        },
      });
      cleanups.push(async () => {
        await runner.close();
        await workers['local-fast'].close();
        await workers['local-quality'].close();
        await leaser.close();
      });
    };
    return {
      fast,
      quality,
      startProcess,
      timeline,
      done,
      get inFlight() {
        return inFlight;
      },
    };
  };

  const waitFor = async (predicate: () => boolean, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('never exceeds 2 in flight with two runners and both queues busy', async () => {
    const env = setup();
    for (let i = 0; i < 12; i += 1) {
      await env.fast.add('job', { jobId: `f${i}` } as PipelineJobData, { jobId: `f${i}` });
      await env.quality.add('job', { jobId: `q${i}` } as PipelineJobData, { jobId: `q${i}` });
    }
    env.startProcess();
    env.startProcess();
    await waitFor(() => env.done.length === 24);
    const peak = Math.max(...env.timeline.map((point) => point.inFlight));
    expect(peak).toBe(2);
    expect(new Set(env.done).size).toBe(24);
  });

  it('uses both slots when only one local queue has work (work-conserving)', async () => {
    const env = setup();
    for (let i = 0; i < 10; i += 1) {
      await env.fast.add('job', { jobId: `f${i}` } as PipelineJobData, { jobId: `f${i}` });
    }
    env.startProcess();
    env.startProcess();
    await waitFor(() => env.done.length === 10);
    const twoBusy = env.timeline.filter((point) => point.inFlight === 2).length;
    expect(Math.max(...env.timeline.map((point) => point.inFlight))).toBe(2);
    // 10 jobs of 40 ms with two slots: most of the run has both slots busy.
    expect(twoBusy).toBeGreaterThanOrEqual(4);
  });
});

describe("local runner: job locks follow the worker's lockDuration", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const waitFor = async (predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
    const until = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /**
   * One host with two slots (so a job taken back by the stalled check would be fetched
   * again at once), a worker with a short lock and a fast stalled check, as `eaio workers
   * --lock-duration 1000 --stalled-interval 500` makes them, and an emulated model that
   * answers after `answerAfterMs`.
   */
  const setup = async (answerAfterMs: number) => {
    const prefix = `eaio-test-${randomUUID()}`;
    const emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { ttftMs: answerAfterMs }) });
    const store = createQueueStore({ kind: 'redis', url: REDIS, prefix });
    const queue = store.createQueue<PipelineJobData>('local-fast');
    const worker = store.createWorker<PipelineJobData>('local-fast', null, { lockDuration: 1_000, stalledInterval: 500, maxStalledCount: 5 });
    const leaser = createRedisSlotLeaser(REDIS, prefix);
    const redis = new Redis(REDIS);
    const adapter = createOllamaAdapter({ id: 'ollama-a', provider: 'ollama', kind: 'ollama', baseUrl: emulator.url, local: true });
    const errors: { error: unknown; context: string }[] = [];
    const deliveries: { jobId: string; delivery: number; outcome?: string; error?: unknown }[] = [];
    await worker.startStalledCheckTimer();
    const runner = startLocalRunner({
      hosts: [{ id: 'ollama-a', maxInFlight: 2, tiers: ['local-fast'] }],
      workers: { 'local-fast': worker },
      leaser,
      idlePollMs: 5,
      onError: (error, context) => errors.push({ error, context }),
      process: async (job, _host, signal) => {
        const delivery = { jobId: String(job.id), delivery: job.attemptsStarted };
        deliveries.push(delivery);
        try {
          const answer = await adapter.chat({
            model: 'llama3.2:3b',
            messages: [{ role: 'user', content: `Summarise building ${job.id}.` }],
            timeoutMs: 60_000,
            signal,
            attemptId: `${job.id}#${job.attemptsStarted}`,
          });
          Object.assign(delivery, { outcome: 'answered' });
          return { text: answer.text.slice(0, 20) };
        } catch (error) {
          Object.assign(delivery, { outcome: 'error', error });
          throw error;
        }
      },
    });
    cleanups.push(async () => {
      await runner.close();
      await worker.close();
      await leaser.close();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
      await emulator.close();
    });
    const chats = () => emulator.log().filter((entry) => entry.operation === 'chat');
    return { prefix, queue, redis, errors, deliveries, chats };
  };

  it('a call longer than lockDuration completes exactly once with exactly one provider request', async () => {
    // The answer takes 3 s; the lock lives 1 s and is renewed every 500 ms.
    const env = await setup(3_000);
    await env.queue.add('job', { jobId: 'slow-1' } as PipelineJobData, { jobId: 'slow-1' });
    await waitFor(async () => (await env.queue.getJobState('slow-1')) === 'completed');
    expect(env.chats()).toHaveLength(1);
    expect(env.chats()[0]).toMatchObject({ attemptId: 'slow-1#1', status: 200, clientAborted: false });
    expect(env.deliveries).toEqual([{ jobId: 'slow-1', delivery: 1, outcome: 'answered' }]);
    expect(env.errors).toEqual([]);
    const job = await env.queue.getJob('slow-1');
    expect(job?.returnvalue).toMatchObject({ text: expect.any(String) });
  }, 40_000);

  it('a failed lock renewal aborts the provider call and leaves the job to its new owner', async () => {
    // The answer would take 20 s; the lock is removed while the call waits for it.
    const env = await setup(20_000);
    await env.queue.add('job', { jobId: 'lost-1' } as PipelineJobData, { jobId: 'lost-1' });
    await waitFor(() => env.chats().length === 1);
    await env.redis.del(`${env.prefix}:local-fast:lost-1:lock`);

    // The next renewal finds the lock gone: the call is aborted, the job is not completed or failed.
    await waitFor(() => env.deliveries[0]?.outcome !== undefined);
    const [first] = env.deliveries;
    expect(first.outcome).toBe('error');
    expect(ProviderError.isInstance(first.error) && first.error.kind).toBe('aborted');
    await waitFor(() => env.chats()[0]?.finishedAt !== undefined);
    expect(env.chats()[0]).toMatchObject({ attemptId: 'lost-1#1', clientAborted: true });
    expect(env.errors).toHaveLength(1);
    expect(JobLockLostError.isInstance(env.errors[0].error)).toBe(true);
    expect(env.errors[0].context).toBe('job lost-1');
    expect(['active', 'wait']).toContain(await env.queue.getJobState('lost-1'));
    const job = await env.queue.getJob('lost-1');
    expect(job?.failedReason).toBeFalsy();
  }, 40_000);
});
