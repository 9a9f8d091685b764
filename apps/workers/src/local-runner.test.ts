import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import { createQueueStore, createRedisSlotLeaser, type PipelineJobData } from '@eaio/queues';
import { startLocalRunner } from './local-runner';

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
    return { fast, quality, startProcess, timeline, done, get inFlight() { return inFlight; } };
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
