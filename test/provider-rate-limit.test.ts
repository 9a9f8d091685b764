import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_CONFIG_PATH } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, startWorkerProcess, writePromptJobs, type WorkerProcess } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
/**
 * Short form by default (20 requests per 5 s window, 50 jobs: the emulator logs arrivals on the
 * test process's event loop, which on a busy machine runs a few hundred ms late, so a 2 s window
 * measured that lag as much as the limit); the full form:
 * `RATE_TEST_WINDOW_SEC=60 RATE_TEST_REQUESTS=60 RATE_TEST_JOBS=150 npx vitest run test/provider-rate-limit.test.ts`
 * (about 2.5 minutes).
 */
const WINDOW_SEC = Number(process.env.RATE_TEST_WINDOW_SEC ?? 5);
const LIMIT = Number(process.env.RATE_TEST_REQUESTS ?? 20);
const JOBS = Number(process.env.RATE_TEST_JOBS ?? 50);
const MARGIN_MS = Math.min(1_000, WINDOW_SEC * 250);

/** Largest number of requests any window of `windowMs` holds (each window starting at a request). */
const busiestWindow = (times: number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
};

/** Issue 10: three worker processes share one provider's request limit (Redis-held window). */
describe('a shared rate limit across three worker processes', () => {
  const processes: WorkerProcess[] = [];
  let pipeline: TestPipeline | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'eaio-rate-limit-'));
  afterAll(async () => {
    await Promise.all(processes.map((worker) => worker.stop(2_000)));
    await pipeline?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`no ${WINDOW_SEC} s window of the emulator's request log holds more than ${LIMIT} requests to the provider`, async () => {
    const config = parseYaml(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, any>;
    config.rateLimits = { ...config.rateLimits, windowSec: WINDOW_SEC, marginMs: MARGIN_MS, providers: { openai: { requestsPerMinute: LIMIT } } };
    const configPath = join(dir, 'eaio.yaml');
    writeFileSync(configPath, stringifyYaml(config));
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.02,
      // One api provider: the others have no key.
      env: { EAIO_CONFIG: configPath, ANTHROPIC_API_KEY: '', GOOGLE_API_KEY: '', MAX_CONCURRENT_API: '10' },
      models: () => ({ [API_MODEL]: withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }) }),
    });
    const { runtime, rehearsal } = pipeline;
    expect(pipeline.config.rateLimits.providers.openai?.requestsPerMinute).toBe(LIMIT);
    const workers = [0, 1, 2].map(() => startWorkerProcess(pipeline!.env, ['--tier', 'api', '--metrics-port', '0']));
    processes.push(...workers);
    await Promise.all(workers.map((worker) => worker.workerId));
    const { batchId } = await runSubmit(runtime, { jsonl: writePromptJobs(pipeline.dir, 'rate', JOBS, 'PUBLIC'), tenant: 'rate', progress: false, simulated: true }, quiet);
    await waitFor(
      async () => {
        const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review', 'failed')", [batchId]);
        return rows[0].n === JOBS;
      },
      60_000 + ((JOBS * (WINDOW_SEC * 1000 + MARGIN_MS)) / LIMIT) * 2,
      'every job to end',
    );

    const { rows } = await runtime.database.pool.query('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batchId]);
    expect(rows).toEqual([{ state: 'succeeded', n: JOBS }]);
    const chats = rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.host === 'api');
    expect(chats).toHaveLength(JOBS);
    // One attempt row per request.
    const { rows: deliveries } = await runtime.database.pool.query('SELECT count(DISTINCT attempt_id)::int AS n FROM attempts WHERE batch_id = $1', [batchId]);
    expect(deliveries[0].n).toBe(JOBS);
    const busiest = busiestWindow(
      chats.map((entry) => entry.startedAt),
      WINDOW_SEC * 1000,
    );
    const spanSec = (Math.max(...chats.map((entry) => entry.startedAt)) - Math.min(...chats.map((entry) => entry.startedAt))) / 1000;
    console.log(
      `3 worker processes, limit ${LIMIT} per ${WINDOW_SEC} s (margin ${MARGIN_MS} ms): ${JOBS} requests over ${spanSec.toFixed(1)} s, busiest ${WINDOW_SEC} s window ${busiest}`,
    );
    expect(busiest).toBeLessThanOrEqual(LIMIT);
    // The limit was the bottleneck: without it the 60 calls would have gone in one burst.
    expect(busiest).toBeGreaterThanOrEqual(LIMIT / 2);
  }, 300_000);
});
