import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';
import { composeWorkers } from '../../apps/producer/src/compose-workers';
import { runSubmit } from '../../apps/producer/src/commands/submit-command';
import { cambridgeAvailable, cambridgeBuildings, writeCambridgeSubset } from './cambridge';
import { openTestPipeline, waitFor, type TestPipeline } from './pipeline-harness';
import { buildingIdsIn, pipelineFacts } from './pipeline-checks';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const ANALYSES = 'data-quality-triage,building-diagnostic';

/**
 * Local answers that often fail the gate (so jobs escalate), a few provider faults, clean API answers.
 * A job reaches api only when local-fast fails and local-quality fails twice (its repair too): with
 * local-quality passing 55 % that was 0.55 × 0.45 × 0.45 ≈ 11 % of the ENHANCED jobs, and on the 20 of
 * the embedded run no job reached api about one run in ten (deterministically so for some inputs, as
 * the seeded emulator draws from the prompt). At 30 %: ≈ 27 % each, none of 20 about 2 in 1,000.
 */
const escalatingModels = (config: EaioConfig) => ({
  [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, {
    answers: { grounded: 0.45, hallucination: 0.35, invalidJson: 0.1, missingSections: 0.1 },
    faults: { serverError: 0.05 },
  }),
  [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, {
    answers: { grounded: 0.3, hallucination: 0.5, invalidJson: 0.1, missingSections: 0.1 },
  }),
  ...Object.fromEntries(
    config.tiers.api.candidates.map((candidate) => [
      candidate.model,
      withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 }, faults: { rateLimit: 0.05 }, retryAfterSeconds: 1 }),
    ]),
  ),
});

/**
 * The whole pipeline against the provider emulator on real Cambridge buildings: half
 * PRIVATE, half ENHANCED, triage (starts at local-fast) and diagnostics (local-quality)
 * each, so all three tiers get work. Asserts one terminal state per job, one result per
 * succeeded job, attempts ↔ emulator chat requests one to one, and that no PRIVATE
 * building's data reached an API request; then that resubmitting creates nothing.
 */
export const describeEndToEnd = (options: {
  title: string;
  queues: 'redis' | 'postgres';
  database: 'fresh' | 'embedded';
  buildingsPerPrivacy: number;
  minGateFailures: number;
  checkRuntime?: (pipeline: TestPipeline) => void;
}) =>
  describe.skipIf(!cambridgeAvailable())(options.title, () => {
    let pipeline: TestPipeline;
    const batchIds: string[] = [];
    let privateBuildings: string[] = [];
    const perBatch = options.buildingsPerPrivacy * 2;

    beforeAll(async () => {
      pipeline = await openTestPipeline({ queues: options.queues, database: options.database, timeScale: 0.01, models: escalatingModels });
      const all = await cambridgeBuildings();
      privateBuildings = all.slice(0, options.buildingsPerPrivacy);
      const privateFiles = await writeCambridgeSubset(pipeline.dir, 'private', privateBuildings);
      const enhancedFiles = await writeCambridgeSubset(pipeline.dir, 'enhanced', all.slice(options.buildingsPerPrivacy, options.buildingsPerPrivacy * 2));
      for (const [files, privacy] of [
        [privateFiles, 'PRIVATE'],
        [enhancedFiles, 'ENHANCED'],
      ] as const) {
        const result = await runSubmit(
          pipeline.runtime,
          { meter: [files.meter], metadata: files.metadata, weather: files.weather, privacy, tenant: 'e2e', progress: false, simulated: true, analysis: ANALYSES },
          quiet,
        );
        expect(result.counts.created).toBe(perBatch);
        batchIds.push(result.batchId);
      }
    }, 180_000);

    afterAll(async () => {
      await pipeline?.close();
    });

    it('runs every job to exactly one terminal state through all three tiers, with attempts matching the emulator log', async () => {
      const { runtime, rehearsal } = pipeline;
      options.checkRuntime?.(pipeline);
      const started = Date.now();
      const workers = await composeWorkers(runtime, { idlePollMs: 5 });
      try {
        await waitFor(
          async () => {
            const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = ANY($1) AND state NOT IN ('succeeded', 'review')", [batchIds]);
            return rows[0].n === 0;
          },
          150_000,
          'every job to finish',
        );
      } finally {
        await workers.close();
      }
      const facts = await pipelineFacts(runtime, batchIds);
      console.log(`${options.title}: ${facts.jobs.length} jobs, ${facts.attempts.length} attempts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(facts.jobs).toHaveLength(perBatch * 2);
      for (const job of facts.jobs) expect(['succeeded', 'review']).toContain(job.state);

      // At most one stored result per job, and exactly one for each succeeded job.
      const succeeded = facts.jobs
        .filter((job) => job.state === 'succeeded')
        .map((job) => job.id)
        .sort();
      expect(facts.results.every((row) => row.n === 1)).toBe(true);
      expect(facts.results.map((row) => row.job_id).sort()).toEqual(succeeded);

      // Escalation happened, through all three tiers.
      expect([...new Set(facts.attempts.map((attempt) => attempt.tier))].sort()).toEqual(['api', 'local-fast', 'local-quality']);
      expect(facts.attempts.filter((attempt) => attempt.outcome === 'failed-gate').length).toBeGreaterThan(options.minGateFailures);

      // Attempts in Postgres match the emulator's chat requests one to one.
      const chats = rehearsal.emulator.log().filter((entry) => entry.operation === 'chat');
      const logged = chats.map((entry) => entry.attemptId).sort();
      expect(logged.every((id) => typeof id === 'string')).toBe(true);
      expect(new Set(logged).size).toBe(logged.length);
      expect(facts.attempts.map((attempt) => attempt.attempt_id).sort()).toEqual(logged);

      // No PRIVATE job reached the api tier, and no PRIVATE building's data is in any API request.
      const privateJobs = new Set(facts.jobs.filter((job) => job.privacy === 'PRIVATE').map((job) => job.id));
      expect(facts.attempts.filter((attempt) => attempt.tier === 'api' && privateJobs.has(attempt.job_id))).toEqual([]);
      const apiRequests = chats.filter((entry) => entry.host === 'api');
      expect(apiRequests.length).toBeGreaterThan(0);
      const privateSet = new Set(privateBuildings);
      for (const entry of apiRequests) {
        const named = buildingIdsIn(entry);
        expect(named).toHaveLength(1);
        expect(privateSet.has(named[0])).toBe(false);
      }
      // PRIVATE jobs that failed both local tiers wait in review instead.
      expect(facts.jobs.filter((job) => job.privacy === 'PRIVATE').map((job) => job.state)).toContain('review');
      const review = await runtime.queues.review.getJobCounts('waiting');
      expect(review.waiting).toBe(facts.jobs.filter((job) => job.state === 'review').length);
    }, 200_000);

    it('resubmitting the same input creates no duplicates', async () => {
      const files = await writeCambridgeSubset(pipeline.dir, 'again', privateBuildings);
      const result = await runSubmit(
        pipeline.runtime,
        { meter: [files.meter], metadata: files.metadata, weather: files.weather, privacy: 'PRIVATE', tenant: 'e2e', progress: false, simulated: true, analysis: ANALYSES },
        quiet,
      );
      expect(result.batchId).toBe(batchIds[0]);
      expect(result.counts.created).toBe(0);
      expect(result.counts.alreadyFinished).toBe(perBatch);
      const { rows } = await pipeline.runtime.database.pool.query('SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1', [batchIds[0]]);
      expect(rows[0].n).toBe(perBatch);
    }, 60_000);
  });
