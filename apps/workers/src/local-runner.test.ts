import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PRESETS, startEmulator, withBehaviour } from '@eaio/emulator';
import { createOllamaAdapter, ProviderError } from '@eaio/providers';
import { acquireSlot, createQueueStore, createRedisSlotLeaser, type PipelineJobData, type SlotLeaser } from '@eaio/queues';
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
    const startProcess = (wrap: (leaser: SlotLeaser) => SlotLeaser = (leaser) => leaser) => {
      const workers = {
        'local-fast': store.createWorker<PipelineJobData>('local-fast', null),
        'local-quality': store.createWorker<PipelineJobData>('local-quality', null),
      } as const;
      const leaser = createRedisSlotLeaser(REDIS, prefix);
      const runner = startLocalRunner({
        hosts: [{ id: 'ollama-a', maxInFlight: 2, tiers: ['local-quality', 'local-fast'] }],
        workers,
        leaser: wrap(leaser),
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
      prefix,
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

describe('local runner: a slot is kept across consecutive jobs unless someone waits for it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  /** One runner (2 loops, cap 2) whose leaser records every lease it was granted and gave back. */
  const start = async (jobs: number, jobMs: number) => {
    const prefix = `eaio-test-${randomUUID()}`;
    const store = createQueueStore({ kind: 'redis', url: REDIS, prefix });
    const fast = store.createQueue<PipelineJobData>('local-fast');
    for (let i = 0; i < jobs; i += 1) await fast.add('job', { jobId: `f${i}` } as PipelineJobData, { jobId: `f${i}` });
    const worker = store.createWorker<PipelineJobData>('local-fast', null);
    const leaser = createRedisSlotLeaser(REDIS, prefix);
    const granted: string[] = [];
    const released: string[] = [];
    const handedOver: string[] = [];
    /** Grants, releases, hand-overs and finished jobs, in order. */
    const events: string[] = [];
    const recording: SlotLeaser = Object.assign(Object.create(leaser) as SlotLeaser, {
      async tryAcquire(...args: Parameters<SlotLeaser['tryAcquire']>) {
        const lease = await leaser.tryAcquire(...args);
        if (lease) {
          granted.push(lease.leaseId);
          events.push(`grant ${lease.leaseId}`);
        }
        return lease;
      },
      async release(lease: Parameters<SlotLeaser['release']>[0]) {
        released.push(lease.leaseId);
        events.push(`release ${lease.leaseId}`);
        await leaser.release(lease);
      },
      async keepUnlessWaited(lease: Parameters<SlotLeaser['release']>[0]) {
        const kept = await leaser.keepUnlessWaited!(lease);
        if (!kept) {
          handedOver.push(lease.leaseId);
          events.push(`hand over ${lease.leaseId}`);
        }
        return kept;
      },
    });
    const done: string[] = [];
    const runner = startLocalRunner({
      hosts: [{ id: 'ollama-a', maxInFlight: 2, tiers: ['local-fast'] }],
      workers: { 'local-fast': worker },
      leaser: recording,
      idlePollMs: 5,
      onError: (error) => {
        throw error;
      },
      process: async (job: Job<PipelineJobData>) => {
        await new Promise((resolve) => setTimeout(resolve, jobMs));
        done.push(String(job.id));
        events.push(`job ${job.id}`);
        return { ok: true };
      },
    });
    const outsider = createRedisSlotLeaser(REDIS, prefix);
    cleanups.push(async () => {
      await runner.close();
      await worker.close();
      await fast.obliterate({ force: true });
      await fast.close();
      await leaser.close();
      await outsider.close();
    });
    const until = async (predicate: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 20_000;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    return { leaser, outsider, granted, released, handedOver, events, done, until, runner };
  };

  it('with nobody waiting, each loop runs job after job on the slot it took first, and gives it back when the queue is empty', async () => {
    const env = await start(12, 20);
    await env.until(() => env.done.length === 12);
    // Both loops fetched the queue empty, then gave their slots back.
    await env.until(async () => (await env.leaser.held('ollama-a')) === 0 && env.released.length >= 2);
    expect(new Set(env.done).size).toBe(12);
    // Up to the last job: the 2 leases taken at the start carry the jobs, with no hand-over (nobody
    // waits). On a quiet machine that is all (2 grants for 12 jobs); on a loaded one a loop may
    // find the queue momentarily empty or the host's health check late, give its slot back and
    // take one again, so the bound is on the count: a loop releasing after every job would need
    // a grant per job.
    const untilLastJob = env.events.slice(0, env.events.lastIndexOf(`job ${env.done.at(-1)}`) + 1);
    const grants = untilLastJob.filter((event) => event.startsWith('grant '));
    expect(grants.slice(0, 2)).toEqual(env.granted.slice(0, 2).map((id) => `grant ${id}`));
    expect(grants.length).toBeLessThanOrEqual(6);
    expect(untilLastJob.filter((event) => !/^(?:job|grant|release) /.test(event))).toEqual([]);
    expect(untilLastJob.filter((event) => event.startsWith('job '))).toHaveLength(12);
  });

  it('a waiter in the queue still gets a slot as soon as one job ends (FIFO hand-over), and the runner carries on after it', async () => {
    const env = await start(30, 40);
    await env.until(() => env.done.length >= 2);
    // Another process queues for the host (a recheck far beyond the test: only a hand-over wakes it).
    const outsider = await acquireSlot(env.outsider, 'ollama-a', 2, 'outsider', undefined, undefined, 3_600_000);
    expect(outsider).toEqual({ host: 'ollama-a', leaseId: 'outsider' });
    // A loop ending its job found the outsider queued and handed its slot over (before, it kept it).
    expect(env.handedOver.length).toBeGreaterThanOrEqual(1);
    expect(await env.leaser.held('ollama-a')).toBe(2);
    // That loop now waits in the queue for a slot of its own, with jobs still to run.
    await env.until(async () => (await env.leaser.waiters!('ollama-a')).length === 1);
    expect(env.done.length).toBeLessThan(30);
    await env.outsider.release(outsider!);
    await env.until(() => env.done.length === 30);
    expect(new Set(env.done).size).toBe(30);
    await env.until(async () => (await env.leaser.held('ollama-a')) === 0);
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
