import { describe, expect, it } from 'vitest';
import { checkPipelineJobData, jobIdOfQueueJob } from '@eaio/queues';
import { endUnprocessableJob } from './job-ending';
import type { Enqueuer, PipelineStore } from './pipeline-ports';
import { isStoreUnavailableError } from './store-errors';
import { createStoreGate } from './store-gate';

const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isStoreUnavailableError', () => {
  it('knows a store that cannot be reached from an error of the job', () => {
    expect(isStoreUnavailableError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailableError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailableError(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isStoreUnavailableError(withCode('sorry, too many clients already', '53300'))).toBe(true);
    // drizzle wraps the driver's error; node reports a refused host as an AggregateError.
    expect(isStoreUnavailableError(new Error('Failed query: select 1', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isStoreUnavailableError(Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]), { code: undefined }))).toBe(true);

    expect(isStoreUnavailableError(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isStoreUnavailableError(withCode('syntax error at or near "AND"', '42601'))).toBe(false);
    expect(isStoreUnavailableError(new TypeError("Cannot read properties of undefined (reading 'facts')"))).toBe(false);
    expect(isStoreUnavailableError('ECONNREFUSED')).toBe(false);
  });
});

describe('createStoreGate', () => {
  it('goes down on the first error, probes until the store answers, then opens again', async () => {
    let answers = false;
    let probes = 0;
    const events: string[] = [];
    const gate = createStoreGate({
      probe: async () => {
        probes += 1;
        if (!answers) throw new Error('still down');
      },
      minMs: 5,
      maxMs: 20,
      onDown: () => events.push('down'),
      onUp: () => events.push('up'),
    });
    expect(gate.down).toBe(false);
    gate.trip(new Error('ECONNREFUSED'));
    gate.trip(new Error('ECONNREFUSED')); // already down: one outage, one event
    expect(gate.down).toBe(true);
    expect(gate.retryInMs()).toBeLessThanOrEqual(20);
    while (probes < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(gate.down).toBe(true);
    answers = true;
    while (gate.down) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events).toEqual(['down', 'up']);
    gate.close();
  });
});

describe('checkPipelineJobData', () => {
  const good = {
    jobId: 'p_1',
    batchId: 'b',
    tenant: 't',
    kind: 'prompt',
    privacy: 'PRIVATE',
    taskType: 'generic',
    chain: ['local-fast'],
    tier: 'local-fast',
    complexity: 0.1,
    routeReason: 'r',
    history: [],
  };
  it('passes what a worker can read and names what it cannot', () => {
    expect(checkPipelineJobData(good).ok).toBe(true);
    expect(checkPipelineJobData({ ...good, extra: 1 }).ok).toBe(true);
    const bad = checkPipelineJobData({ jobId: 'p_1', garbage: true });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^unreadable job data \(batchId: .*/);
    expect(checkPipelineJobData(null).ok).toBe(false);
    expect(checkPipelineJobData({ ...good, tier: 'gpu' }).ok).toBe(false);
    expect(jobIdOfQueueJob('p_abc.local-fast')).toBe('p_abc');
  });
});

describe('endUnprocessableJob', () => {
  const fakes = () => {
    const calls: string[] = [];
    const store = {
      isTerminal: async () => false,
      failed: async (jobId: string, reason: string) => {
        calls.push(`failed ${jobId}: ${reason}`);
        return true;
      },
      moved: async (data: { jobId: string }, to: string, reason: string) => void calls.push(`moved ${data.jobId} ${to}: ${reason}`),
    } as unknown as PipelineStore;
    const enqueuer = { toReview: async (data: { jobId: string }) => void calls.push(`review queue ${data.jobId}`) } as unknown as Enqueuer;
    return { calls, store, enqueuer };
  };
  const data = { jobId: 'j', history: [] } as never;

  it('ends the job failed by default, in review when recovery.failedJobs says so', async () => {
    const failed = fakes();
    expect(await endUnprocessableJob({ ...failed, failedJobs: 'failed' }, { jobId: 'j', data }, 'boom')).toBe('failed');
    expect(failed.calls).toEqual(['failed j: boom']);
    const review = fakes();
    expect(await endUnprocessableJob({ ...review, failedJobs: 'review' }, { jobId: 'j', data }, 'boom')).toBe('review');
    expect(review.calls).toEqual(['review queue j', 'moved j review: boom']);
    // Unreadable data cannot be shown to a person as a job: it fails even then.
    const unreadable = fakes();
    expect(await endUnprocessableJob({ ...unreadable, failedJobs: 'review' }, { jobId: 'j' }, 'unreadable')).toBe('failed');
  });
});
