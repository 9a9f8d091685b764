/**
 * BullMQ's rate limiter against the shared provider guard, for per-provider limits on one
 * api queue. Jobs for two providers sit in one queue (as api jobs do): provider `a` has a
 * limit of N requests per window, provider `b` none. Three workers (BullMQ's limiter is
 * global across workers and processes too) take them; a "call" is recorded with its time.
 *
 *   npx tsx bench/provider-rate-limit.ts [--jobs 40] [--limit 10] [--window-ms 2000] [--runs 3]
 *
 * Figures per variant (medians over runs): when the last `b` call and the last `a` call
 * went, the busiest window of `a` calls, and how many deliveries it took.
 * - bullmq-limiter: `limiter: { max: N, duration: window }` on the queue's workers. It
 *   limits the queue, not a provider: `b` waits behind `a`'s limit.
 * - bullmq-rate-limit-429: no limit ahead of the call; provider `a` answers 429 (with the
 *   wait) once N calls fell in its last window, and the worker answers with BullMQ's manual
 *   rate limit (`worker.rateLimit(retryAfter)` + `Worker.RateLimitError()`): it pauses the
 *   whole queue, every provider.
 * - shared-guard: `createProviderGuard` on Redis (what the workers use): `a` calls admitted
 *   under its own window, a refused job delayed (`moveToDelayed` + `DelayedError`, no
 *   attempt used); `b` unaffected.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { createProviderGuard, createRedisGuardStore } from '@eaio/queues';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '40' },
    limit: { type: 'string', default: '10' },
    'window-ms': { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
  },
});
const JOBS = Number(values.jobs);
const LIMIT = Number(values.limit);
const WINDOW_MS = Number(values['window-ms']);
const RUNS = Number(values.runs);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
/** As the workers count it: calls reach the provider a moment after admission. */
const MARGIN_MS = Math.min(1_000, Math.round(WINDOW_MS / 8));

type Variant = 'bullmq-limiter' | 'bullmq-rate-limit-429' | 'shared-guard';
interface Figures {
  lastB: number;
  lastA: number;
  busiestA: number;
  deliveries: number;
  /** Calls provider `a` refused with 429. */
  refused: number;
}

const busiest = (times: number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
};

const runVariant = async (variant: Variant): Promise<Figures> => {
  const prefix = `bench-rl-${randomUUID().slice(0, 8)}`;
  const queue = new Queue<{ provider: 'a' | 'b' }>('api', { connection, prefix });
  const guard = createProviderGuard(createRedisGuardStore(REDIS_URL, prefix), {
    breaker: { failureThreshold: 5, windowMs: 60_000, coolDownMs: 30_000, probeTimeoutMs: 60_000 },
    limits: { a: { requestsPerMinute: LIMIT } },
    limitWindowMs: WINDOW_MS,
    limitMarginMs: MARGIN_MS,
  });
  const calls: { provider: string; at: number }[] = [];
  let deliveries = 0;
  let refused = 0;
  /** Provider `a` as the emulator would answer it: 429 with retry-after once LIMIT calls fell in the last window. */
  const accepts = (provider: string): { ok: true } | { ok: false; retryAfterMs: number } => {
    if (provider !== 'a') return { ok: true };
    const now = Date.now() - started;
    const recent = calls.filter((call) => call.provider === 'a' && call.at > now - WINDOW_MS);
    return recent.length < LIMIT ? { ok: true } : { ok: false, retryAfterMs: recent[0].at + WINDOW_MS - now + 1 };
  };
  const started = Date.now();
  const workers = [0, 1, 2].map(
    () =>
      new Worker<{ provider: 'a' | 'b' }>(
        'api',
        async (job: Job<{ provider: 'a' | 'b' }>, token?: string) => {
          deliveries += 1;
          const provider = job.data.provider;
          if (variant === 'shared-guard') {
            const admission = await guard.admit({ provider, endpoint: provider, model: 'm' }, 1);
            if (!admission.ok) {
              await job.moveToDelayed(admission.retryAt, token);
              throw new DelayedError(admission.reason);
            }
          }
          const answer = accepts(provider);
          if (!answer.ok) {
            refused += 1;
            if (variant === 'bullmq-rate-limit-429') {
              // BullMQ's answer to a 429: pause the whole queue for the retry-after (every provider waits).
              await workers[0].rateLimit(answer.retryAfterMs);
              throw Worker.RateLimitError();
            }
            throw new Error('429 reached a limited variant');
          }
          calls.push({ provider, at: Date.now() - started });
          await new Promise((resolve) => setTimeout(resolve, 20)); // the call
        },
        { connection, prefix, concurrency: 5, ...(variant === 'bullmq-limiter' ? { limiter: { max: LIMIT, duration: WINDOW_MS } } : {}) },
      ),
  );
  await queue.addBulk(Array.from({ length: JOBS * 2 }, (_, index) => ({ name: 'call', data: { provider: index % 2 === 0 ? 'a' : 'b' } })));
  while (calls.length < JOBS * 2) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(workers.map((worker) => worker.close()));
  await queue.obliterate({ force: true });
  await queue.close();
  await guard.close();
  const a = calls.filter((call) => call.provider === 'a').map((call) => call.at);
  const b = calls.filter((call) => call.provider === 'b').map((call) => call.at);
  return { lastB: Math.max(...b), lastA: Math.max(...a), busiestA: busiest(a, WINDOW_MS), deliveries, refused };
};

const median = (numbers: number[]) => [...numbers].sort((x, y) => x - y)[Math.floor(numbers.length / 2)];

const main = async () => {
  console.log(`${JOBS} jobs for provider a (limit ${LIMIT} per ${WINDOW_MS} ms) and ${JOBS} for provider b (no limit) in one queue, 3 workers x concurrency 5, ${RUNS} runs`);
  console.log('variant                 last b call   last a call   busiest a window   deliveries   429s');
  for (const variant of ['bullmq-limiter', 'bullmq-rate-limit-429', 'shared-guard'] as Variant[]) {
    const runs: Figures[] = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await runVariant(variant));
    const pick = (key: keyof Figures) => median(runs.map((figures) => figures[key]));
    console.log(
      `${variant.padEnd(22)}  ${`${(pick('lastB') / 1000).toFixed(2)} s`.padStart(11)}   ${`${(pick('lastA') / 1000).toFixed(2)} s`.padStart(11)}   ${String(pick('busiestA')).padStart(16)}   ${String(pick('deliveries')).padStart(10)}   ${String(pick('refused')).padStart(4)}`,
    );
  }
};

await main();
