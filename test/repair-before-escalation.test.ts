import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour, type ModelBehaviour, type RequestLogEntry } from '@eaio/emulator';
import { generatePortfolio } from '@eaio/energy';
import type { PrivacyLevel } from '@eaio/core';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

const answers = (kind: 'grounded' | 'hallucination' | 'invalidJson') => ({
  grounded: kind === 'grounded' ? 1 : 0,
  hallucination: kind === 'hallucination' ? 1 : 0,
  invalidJson: kind === 'invalidJson' ? 1 : 0,
  missingSections: 0,
});

interface AttemptRow {
  attempt_id: string;
  job_id: string;
  tier: string;
  outcome: string;
  repair_kind: string | null;
  repair_of: string | null;
  quality_checks: { checks?: { claims?: { written: string; status: string; note: string }[] } } | null;
}

/** The text of every message a chat request sent (any wire format). */
const sentText = (entry: RequestLogEntry): string => JSON.stringify(entry.body ?? '');

/**
 * Issue 10, second chance before escalation: an answer that fails the quality gate is asked
 * again on the same tier with a repair prompt naming what the gate found, then the job
 * escalates; a one-tier chain gets the same repair before review; a local answer that is
 * not JSON is first asked again in JSON mode. Real Redis and PostgreSQL, the emulator
 * behind the real SDKs; the repair prompt is read from the emulator's request log.
 */
describe('repair before escalation', () => {
  let pipeline: TestPipeline;
  let files: { meter: string; metadata: string; weather: string };

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', timeScale: 0.01 });
    // Five offices: a peer group large enough for a percentile (the gate misreads "5 needed" in a grounded answer about a group too small).
    files = (await generatePortfolio({ buildings: 5, uses: ['Office'], outDir: `${pipeline.dir}/portfolio`, seed: 7 })).files;
  }, 120_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const db = () => pipeline.runtime.database.pool;
  const models = (local: ModelBehaviour, api: ModelBehaviour): Record<string, ModelBehaviour> => {
    const { config } = pipeline;
    return {
      [config.tiers['local-fast'].candidates[0].model]: local,
      [config.tiers['local-quality'].candidates[0].model]: local,
      ...Object.fromEntries(config.tiers.api.candidates.map((candidate) => [candidate.model, api])),
    };
  };

  const run = async (tag: string, privacy: PrivacyLevel, analysis: string) => {
    const { batchId } = await runSubmit(pipeline.runtime, { ...files, meter: [files.meter], privacy, tenant: tag, progress: false, simulated: true, analysis }, quiet);
    const workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    try {
      await waitFor(async () => (await db().query('SELECT status FROM batches WHERE id = $1', [batchId])).rows[0].status === 'done', 120_000, `batch ${tag} to finish`);
    } finally {
      await workers.close();
    }
    const attempts = (
      await db().query<AttemptRow>('SELECT attempt_id, job_id, tier, outcome, repair_kind, repair_of, quality_checks FROM attempts WHERE batch_id = $1 ORDER BY started_at', [
        batchId,
      ])
    ).rows;
    const jobs = (await db().query('SELECT id, state, chain FROM jobs WHERE batch_id = $1', [batchId])).rows as { id: string; state: string; chain: string[] }[];
    const chats = pipeline.rehearsal.emulator.log().filter((entry) => entry.operation === 'chat');
    return { attempts, jobs, chats };
  };

  it('a failed answer gets exactly one repair on its tier, naming the wrong figure, then escalates', async () => {
    pipeline.rehearsal.emulator.configure({
      models: models(withBehaviour(PRESETS.local3b, { answers: answers('hallucination') }), withBehaviour(PRESETS.api, { answers: answers('grounded') })),
    });
    const { attempts, jobs, chats } = await run('repair-gate', 'ENHANCED', 'data-quality-triage');
    expect(jobs.length).toBe(5);
    let escalatedAfterFailedRepair = 0;
    for (const job of jobs) {
      const mine = attempts.filter((attempt) => attempt.job_id === job.id);
      const tiers = [...new Set(mine.map((attempt) => attempt.tier))];
      for (const tier of tiers) {
        const onTier = mine.filter((attempt) => attempt.tier === tier);
        const [first, repair, ...more] = onTier;
        expect(first.repair_kind).toBeNull();
        expect(more).toEqual([]); // never a second repair (repairsPerTier 1)
        if (first.outcome === 'passed') {
          expect(repair).toBeUndefined();
          continue;
        }
        // A failed answer gets exactly one repair on the same tier, of that answer.
        expect(repair).toMatchObject({ repair_kind: 'gate', repair_of: first.attempt_id });
        // The repair request the emulator saw names a figure the gate found wrong, and what the data gives.
        const wrong = (first.quality_checks?.checks?.claims ?? []).filter((claim) => claim.status === 'contradiction' || claim.status === 'unsupported');
        const request = chats.find((entry) => entry.attemptId === repair.attempt_id);
        expect(request).toBeDefined();
        const text = sentText(request!);
        expect(text).toContain('did not pass');
        if (wrong.length > 0) {
          expect(
            wrong.some((claim) => text.includes(JSON.stringify(`You wrote ${claim.written}`).slice(1, -1)) && text.includes(JSON.stringify(claim.note.slice(0, 60)).slice(1, -1))),
          ).toBe(true);
        }
        expect(sentText(chats.find((entry) => entry.attemptId === first.attempt_id)!)).not.toContain('did not pass');
        const later = mine.slice(mine.indexOf(repair) + 1);
        if (repair.outcome === 'failed-gate' && tier !== 'api') {
          // The repair failed too: the job escalated to the next tier of its chain.
          expect(later[0]?.tier).toBe(job.chain[job.chain.indexOf(tier) + 1]);
          escalatedAfterFailedRepair += 1;
        } else {
          expect(later).toEqual([]);
        }
      }
      expect(job.state).toBe(mine.at(-1)!.outcome === 'passed' ? 'succeeded' : 'review');
    }
    expect(escalatedAfterFailedRepair).toBeGreaterThan(0);
  }, 240_000);

  it('a PRIVATE one-tier chain gets the repair before review', async () => {
    pipeline.rehearsal.emulator.configure({
      models: models(withBehaviour(PRESETS.local7b, { answers: answers('hallucination') }), withBehaviour(PRESETS.api, { answers: answers('grounded') })),
    });
    // Retrofit plans start at local-quality; PRIVATE keeps them local: a chain of one tier.
    const { attempts, jobs, chats } = await run('repair-private', 'PRIVATE', 'retrofit-plan');
    expect(jobs.length).toBe(5);
    for (const job of jobs) {
      expect(job.chain).toEqual(['local-quality']);
      const mine = attempts.filter((attempt) => attempt.job_id === job.id);
      if (mine[0].outcome === 'passed') continue; // a wrong figure the gate did not catch
      // The failed answer gets its repair on the only tier before the job goes to review.
      expect(mine.map((attempt) => [attempt.tier, attempt.repair_kind])).toEqual([
        ['local-quality', null],
        ['local-quality', 'gate'],
      ]);
      expect(mine[1].repair_of).toBe(mine[0].attempt_id);
      expect(sentText(chats.find((entry) => entry.attemptId === mine[1].attempt_id)!)).toContain('You wrote');
      expect(job.state).toBe(mine[1].outcome === 'passed' ? 'succeeded' : 'review');
    }
    expect(jobs.filter((job) => job.state === 'review').length).toBeGreaterThan(0);
    // Nothing of a PRIVATE job went to an API host.
    expect(chats.filter((entry) => entry.host === 'api' && attempts.some((attempt) => attempt.attempt_id === entry.attemptId))).toEqual([]);
  }, 240_000);

  it('a local answer that is not JSON is asked again in JSON mode before it counts as failed', async () => {
    pipeline.rehearsal.emulator.configure({
      models: models(withBehaviour(PRESETS.local7b, { answers: answers('invalidJson') }), withBehaviour(PRESETS.api, { answers: answers('grounded') })),
    });
    const { attempts, jobs, chats } = await run('repair-format', 'PRIVATE', 'retrofit-plan');
    for (const job of jobs) {
      const mine = attempts.filter((attempt) => attempt.job_id === job.id);
      // First answer, a JSON-mode retry (format), then the gate's repair, then review.
      expect(mine.map((attempt) => attempt.repair_kind)).toEqual([null, 'format', 'gate']);
      const retry = chats.find((entry) => entry.attemptId === mine[1].attempt_id)!;
      const body = retry.body as { format?: unknown; messages?: { role: string; content: string }[] };
      // Ollama's JSON mode with the answer's schema, and the model's own broken answer as its turn.
      expect(typeof body.format).toBe('object');
      expect(body.messages?.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(body.messages?.at(-1)?.content).toMatch(/not the valid JSON object|cut off/);
      expect(job.state).toBe('review');
    }
  }, 240_000);
});
