import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';
import { generatePortfolio } from '@eaio/energy';
import type { BoardHandle } from '@eaio/board';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runBoard } from '../apps/producer/src/commands/board-command';
import { runReview } from '../apps/producer/src/commands/review-command';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

/**
 * The review desk against real rows: a PRIVATE batch whose local answers never pass the
 * gate, so every job ends in review with its answers and the gate's findings. Decisions
 * are taken in a real headless Chromium on the board's review page (accept, reject,
 * retry), over the JSON API and with the CLI; each must change the job in PostgreSQL and
 * leave a decision row naming who took it.
 */

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const BUILDINGS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/review-desk');
const ALICE = 'alice-token-0123456789abcdef';

const failing = { grounded: 0, hallucination: 1, invalidJson: 0, missingSections: 0 };
const passing = { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 };

const models = (config: EaioConfig) => ({
  [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, { answers: failing }),
  [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, { answers: failing }),
  ...Object.fromEntries(config.tiers.api.candidates.map((candidate) => [candidate.model, withBehaviour(PRESETS.api, { answers: passing })])),
});

const collect = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

describe('review desk', () => {
  let pipeline: TestPipeline;
  let board: BoardHandle;
  let workers: Awaited<ReturnType<typeof composeWorkers>>;
  let batchId = '';
  let reviewJobs: string[] = [];

  const query = async (sql: string, params: unknown[]) => (await pipeline.runtime.database.pool.query(sql, params)).rows;
  const jobState = async (jobId: string) => (await query('SELECT state FROM jobs WHERE id = $1', [jobId]))[0].state as string;

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', timeScale: 0.01, models, env: { BOARD_REVIEWER_TOKENS: `alice=${ALICE}` } });
    const portfolio = await generatePortfolio({ buildings: BUILDINGS, outDir: join(pipeline.dir, 'portfolio'), seed: 5 });
    workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    const submitted = await runSubmit(
      pipeline.runtime,
      {
        meter: [portfolio.files.meter],
        metadata: portfolio.files.metadata,
        weather: portfolio.files.weather,
        privacy: 'PRIVATE',
        tenant: 'review',
        progress: false,
        simulated: true,
        analysis: 'data-quality-triage',
      },
      quiet,
    );
    batchId = submitted.batchId;
    await waitFor(async () => (await query('SELECT status FROM batches WHERE id = $1', [batchId]))[0].status === 'done', 200_000, 'the batch to end');
    expect((await query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state = 'review'", [batchId]))[0].n).toBe(BUILDINGS);
    reviewJobs = (await query('SELECT id FROM jobs WHERE batch_id = $1 ORDER BY building_id', [batchId])).map((row) => row.id);
    board = await runBoard(pipeline.runtime, { port: 0, token: pipeline.config.board.token });
  }, 300_000);

  afterAll(async () => {
    await board?.close();
    await workers?.close();
    await pipeline?.close();
  });

  it('stores every answer with the gate findings, and lists the jobs with why they are there (CLI)', async () => {
    const attempts = await query("SELECT answer_text, quality_checks FROM attempts WHERE job_id = $1 AND outcome = 'failed-gate'", [reviewJobs[0]]);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts[0].answer_text.length).toBeGreaterThan(20);
    expect(Object.keys(attempts[0].quality_checks.checks)).toEqual(expect.arrayContaining(['grounded', 'claims']));
    const out = collect();
    await runReview(pipeline.runtime, 'list', { batch: batchId }, out.stream);
    for (const jobId of reviewJobs) expect(out.text()).toContain(jobId);
    expect(out.text()).toContain('data-quality-triage');
    expect(out.text()).toContain(`${BUILDINGS} jobs in review`);
    const shown = collect();
    await runReview(pipeline.runtime, 'show', { jobId: reviewJobs[0] }, shown.stream);
    expect(shown.text()).toMatch(/grounded\s+\d\.\d\d/);
    expect(shown.text()).toContain('answer:');
    expect(shown.text()).toContain('--tier local-fast|local-quality');
  });

  it('refuses an api retry for a PRIVATE job and a decision without a reason (JSON API); the job stays in review', async () => {
    const headers = { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' };
    const api = await fetch(`${board.url}/api/review/${reviewJobs[4]}/retry`, { method: 'POST', headers, body: JSON.stringify({ tier: 'api', reason: 'try a bigger model' }) });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { message: string }).message).toContain('PRIVATE job never goes to an API');
    const noReason = await fetch(`${board.url}/api/review/${reviewJobs[4]}/reject`, { method: 'POST', headers, body: JSON.stringify({ reason: ' ' }) });
    expect(noReason.status).toBe(400);
    expect(await jobState(reviewJobs[4])).toBe('review');
    expect((await query('SELECT count(*)::int AS n FROM review_decisions WHERE job_id = $1', [reviewJobs[4]]))[0].n).toBe(0);
    const unauthorised = await fetch(`${board.url}/review`);
    expect(unauthorised.status).toBe(401);
  });

  it('CLI reject: terminal rejected, no result, decision by "cli"', async () => {
    const out = collect();
    await runReview(pipeline.runtime, 'reject', { jobId: reviewJobs[4], reason: 'meter data is from the wrong building' }, out.stream);
    expect(await jobState(reviewJobs[4])).toBe('rejected');
    const decisions = await query('SELECT decision, decided_by, reason FROM review_decisions WHERE job_id = $1', [reviewJobs[4]]);
    expect(decisions).toEqual([{ decision: 'reject', decided_by: 'cli', reason: 'meter data is from the wrong building' }]);
    await expect(runReview(pipeline.runtime, 'accept', { jobId: reviewJobs[4], reason: 'changed my mind' }, quiet)).rejects.toThrow(/rejected, not in review/);
  });

  const chromiumMissing = !existsSync(CHROMIUM);
  if (chromiumMissing) console.warn(`review-desk: SKIPPING the headless-Chromium review page test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  it.skipIf(chromiumMissing)(
    'review page in headless Chromium: accept, reject and retry change the jobs in PostgreSQL; screenshots in test-artifacts/',
    async () => {
      const { chromium } = await import('playwright-core');
      await mkdir(ARTIFACTS, { recursive: true });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${board.url}/review?token=${ALICE}`);
        await expect.poll(() => page.locator('#review-list tbody tr').count()).toBe(4);
        expect(await page.locator('#review-list').textContent()).toContain('data-quality-triage');
        await page.screenshot({ path: join(ARTIFACTS, 'review-list.png'), fullPage: true });

        // Accept: the first job's best answer becomes its result, marked reviewed.
        await page.click(`#review-list a[href="/review/${reviewJobs[0]}"]`);
        const attempts = page.locator('section.attempt');
        expect(await attempts.count()).toBeGreaterThan(0);
        expect(await page.locator('table.findings').first().textContent()).toContain('grounded');
        expect(await page.locator('section.attempt pre').first().textContent()).toMatch(/\{/);
        await page.screenshot({ path: join(ARTIFACTS, 'review-job.png'), fullPage: true });
        const chosen = await attempts.first().getAttribute('data-attempt');
        const acceptForm = attempts.first().locator('form');
        await acceptForm.locator('textarea[name=reason]').fill('figures checked by hand against the meter data');
        await acceptForm.locator('button[data-action=accept]').click();
        await page.waitForSelector('#notice');
        expect(await page.locator('#job-state').textContent()).toBe('succeeded');
        await page.screenshot({ path: join(ARTIFACTS, 'review-accepted.png'), fullPage: true });
        expect(await jobState(reviewJobs[0])).toBe('succeeded');
        const [result] = await query('SELECT attempt_id, reviewed, answer, text FROM results WHERE job_id = $1', [reviewJobs[0]]);
        expect(result.attempt_id).toBe(chosen);
        expect(result.reviewed).toBe(true);
        expect(result.answer).not.toBeNull();
        expect(await query('SELECT decision, attempt_id, decided_by, reason FROM review_decisions WHERE job_id = $1', [reviewJobs[0]])).toEqual([
          { decision: 'accept', attempt_id: chosen, decided_by: 'alice', reason: 'figures checked by hand against the meter data' },
        ]);

        // Reject: terminal, no result.
        await page.goto(`${board.url}/review/${reviewJobs[1]}`);
        const reject = page.locator(`form[action="/review/${reviewJobs[1]}/reject"]`);
        await reject.locator('textarea').fill('building was sold; analysis not needed');
        await reject.locator('button').click();
        await page.waitForSelector('#notice');
        expect(await jobState(reviewJobs[1])).toBe('rejected');
        expect((await query('SELECT count(*)::int AS n FROM results WHERE job_id = $1', [reviewJobs[1]]))[0].n).toBe(0);

        // Retry on local-quality (the only tiers offered to a PRIVATE job are local), now answering well.
        const config = pipeline.config;
        pipeline.rehearsal.emulator.configure({ models: { [config.tiers['local-quality'].candidates[0].model]: { answers: passing } } });
        await page.goto(`${board.url}/review/${reviewJobs[2]}`);
        const retry = page.locator(`form[action="/review/${reviewJobs[2]}/retry"]`);
        expect(await retry.locator('select option').allInnerTexts()).toEqual(['local-fast', 'local-quality']);
        const callsBefore = (await query('SELECT count(*)::int AS n FROM attempts WHERE job_id = $1', [reviewJobs[2]]))[0].n;
        await retry.locator('select').selectOption('local-quality');
        await retry.locator('textarea').fill('local-quality model was updated');
        await retry.locator('button').click();
        await page.waitForSelector('#notice');
        expect(await query('SELECT decision, tier, decided_by FROM review_decisions WHERE job_id = $1', [reviewJobs[2]])).toEqual([
          { decision: 'retry', tier: 'local-quality', decided_by: 'alice' },
        ]);
        await waitFor(async () => (await jobState(reviewJobs[2])) === 'succeeded', 60_000, 'the retried job to succeed');
        const after = await query('SELECT attempt_id, tier, outcome FROM attempts WHERE job_id = $1 ORDER BY started_at', [reviewJobs[2]]);
        expect(after.length).toBe(callsBefore + 1);
        expect(after[after.length - 1]).toMatchObject({ tier: 'local-quality', outcome: 'passed' });
        expect(new Set(after.map((row) => row.attempt_id)).size).toBe(after.length);
        const [kept] = await query('SELECT reviewed, tier FROM results WHERE job_id = $1', [reviewJobs[2]]);
        expect(kept).toEqual({ reviewed: false, tier: 'local-quality' });
        await page.goto(`${board.url}/review/${reviewJobs[2]}`);
        await page.screenshot({ path: join(ARTIFACTS, 'review-retried.png'), fullPage: true });

        // The batch reopened for the retry and closed again when it ended.
        const [batch] = await query('SELECT status, open_jobs FROM batches WHERE id = $1', [batchId]);
        expect(batch).toEqual({ status: 'done', open_jobs: 0 });
        await page.goto(`${board.url}/review?batch=${batchId}`);
        expect(await page.locator('#review-list tbody tr').count()).toBe(1);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
