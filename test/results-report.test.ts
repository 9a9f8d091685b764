import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';
import { generatePortfolio } from '@eaio/energy';
import { CSV_COLUMNS, readBatchJobs, writeResultsCsv, writeResultsJsonl, type ResultLine } from '@eaio/results';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runResults } from '../apps/producer/src/commands/results-command';
import { createIntakeApp } from '../apps/producer/src/commands/serve-command';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

/**
 * Results out and the portfolio report against real Postgres rows: a synthetic portfolio
 * run through the whole pipeline on the provider emulator. Batch A (ENHANCED, three
 * analyses per building) ends with kept results from local-quality and the api tier;
 * batch B (PRIVATE, triage) is submitted after the local models were switched to
 * answers that never pass, so every one of its jobs waits in review without a result.
 */

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const BUILDINGS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/results-report');

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

const failing = { grounded: 0, hallucination: 1, invalidJson: 0, missingSections: 0 };

const models = (config: EaioConfig) => ({
  [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, { answers: failing }),
  [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, { answers: { grounded: 0.6, hallucination: 0.4, invalidJson: 0, missingSections: 0 } }),
  ...Object.fromEntries(
    config.tiers.api.candidates.map((candidate) => [
      candidate.model,
      withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    ]),
  ),
});

describe('results out and the portfolio report', () => {
  let pipeline: TestPipeline;
  let batchA = '';
  let batchB = '';

  const jobCount = async (batchId: string) =>
    (await pipeline.runtime.database.pool.query('SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1', [batchId])).rows[0].n as number;
  const settled = (batchId: string) => async () =>
    (await pipeline.runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state NOT IN ('succeeded', 'review', 'failed')", [batchId])).rows[0]
      .n === 0;

  beforeAll(async () => {
    // No response cache: batch B submits batch A's buildings again to make jobs that end in review.
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', timeScale: 0.01, models, env: { RESPONSE_CACHE: 'false' } });
    const portfolio = await generatePortfolio({ buildings: BUILDINGS, outDir: join(pipeline.dir, 'portfolio'), seed: 11 });
    const files = { meter: [portfolio.files.meter], metadata: portfolio.files.metadata, weather: portfolio.files.weather };
    const workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    try {
      const a = await runSubmit(
        pipeline.runtime,
        { ...files, privacy: 'ENHANCED', tenant: 'results', progress: false, simulated: true, analysis: 'data-quality-triage,building-diagnostic,retrofit-plan' },
        quiet,
      );
      batchA = a.batchId;
      await waitFor(settled(batchA), 150_000, 'batch A to finish');
      const config = pipeline.config;
      pipeline.rehearsal.emulator.configure({ models: { [config.tiers['local-quality'].candidates[0].model]: { answers: failing } } });
      const b = await runSubmit(pipeline.runtime, { ...files, privacy: 'PRIVATE', tenant: 'results', progress: false, simulated: true, analysis: 'data-quality-triage' }, quiet);
      batchB = b.batchId;
      await waitFor(settled(batchB), 150_000, 'batch B to finish');
    } finally {
      await workers.close();
    }
  }, 320_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  const jsonlOf = async (batchId: string): Promise<ResultLine[]> => {
    const out = collect();
    const written = await writeResultsJsonl(pipeline.runtime.database.pool, batchId, out.stream);
    const lines = out
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    expect(lines).toHaveLength(written);
    return lines;
  };

  it('JSONL: one line per job; the kept answer, gate, tier, provider, model and cost match the rows in Postgres', async () => {
    const pool = pipeline.runtime.database.pool;
    const lines = await jsonlOf(batchA);
    expect(lines).toHaveLength(BUILDINGS * 3);
    expect(lines).toHaveLength(await jobCount(batchA));
    const jobs = new Map((await pool.query('SELECT id, state, building_id, task_type FROM jobs WHERE batch_id = $1', [batchA])).rows.map((row) => [row.id, row]));
    const results = new Map((await pool.query('SELECT * FROM results WHERE batch_id = $1', [batchA])).rows.map((row) => [row.job_id, row]));
    const costs = new Map(
      (await pool.query('SELECT job_id, sum(cost_micro_usd)::bigint AS cost, count(*)::int AS n FROM attempts WHERE batch_id = $1 GROUP BY job_id', [batchA])).rows.map((row) => [
        row.job_id,
        row,
      ]),
    );
    expect(results.size).toBeGreaterThan(0);
    for (const line of lines) {
      const job = jobs.get(line.jobId);
      expect(job).toBeDefined();
      expect(line).toMatchObject({ batchId: batchA, state: job.state, buildingId: job.building_id, analysisType: job.task_type, simulated: true });
      expect(Number.isInteger(line.costMicroUsd)).toBe(true);
      expect(line.costMicroUsd).toBe(Number(costs.get(line.jobId)?.cost ?? 0));
      expect(line.calls).toBe(costs.get(line.jobId)?.n ?? 0);
      const result = results.get(line.jobId);
      if (result) {
        // The stored JSON answer; where the row holds none (prose around the JSON), the JSON object in the text.
        const text = result.text as string;
        expect(line.answer).toEqual(result.answer ?? JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)));
        expect(line.answer).toEqual(expect.objectContaining({ summary: expect.any(String) }));
        expect(line).toMatchObject({ tier: result.tier, provider: result.provider, model: result.model, reason: null });
        expect(line.gate).toMatchObject({ verdict: 'passed', score: result.quality_score });
        expect(line.gate.score!).toBeGreaterThanOrEqual(line.gate.threshold!);
      } else {
        expect(line.answer).toBeNull();
        expect(line.reason).toEqual(expect.any(String));
      }
    }
    // Kept answers came from more than one tier, and the api tier's calls cost money.
    expect(new Set(lines.filter((line) => line.reason === null).map((line) => line.tier)).size).toBeGreaterThan(1);
    expect(lines.some((line) => line.tier === 'api' && line.keptCostMicroUsd > 0)).toBe(true);
  });

  it('JSONL: jobs without a result carry their reason, the last gate verdict and what their calls cost', async () => {
    const lines = await jsonlOf(batchB);
    expect(lines).toHaveLength(BUILDINGS);
    const attempts = new Map(
      (await pipeline.runtime.database.pool.query('SELECT job_id, count(*)::int AS n FROM attempts WHERE batch_id = $1 GROUP BY job_id', [batchB])).rows.map((row) => [
        row.job_id,
        row.n,
      ]),
    );
    for (const line of lines) {
      expect(line.state).toBe('review');
      expect(line.answer).toBeNull();
      expect(line.reason).toMatch(/^waiting for review: /);
      expect(line.reason).toContain('last call: local-quality/');
      expect(line.gate.verdict).toBe('failed');
      expect(line.gate.score!).toBeLessThan(line.gate.threshold!);
      expect(line.calls).toBe(attempts.get(line.jobId));
      expect(line.calls).toBeGreaterThanOrEqual(1);
      expect(line.costMicroUsd).toBe(0); // PRIVATE: local calls only, which cost nothing
    }
  });

  it('streams through a cursor: small pages give the same jobs in the same order', async () => {
    const ids = async (pageSize: number) => {
      const seen: string[] = [];
      for await (const record of readBatchJobs(pipeline.runtime.database.pool, batchA, { pageSize })) seen.push(record.jobId);
      return seen;
    };
    const paged = await ids(2);
    expect(paged).toHaveLength(BUILDINGS * 3);
    expect(paged).toEqual(await ids(500));
  });

  it('CSV: a header and one row per job, the same figures as the JSONL', async () => {
    const out = collect();
    await writeResultsCsv(pipeline.runtime.database.pool, batchA, out.stream);
    const rows = parseCsv(out.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
    const lines = new Map((await jsonlOf(batchA)).map((line) => [line.jobId, line]));
    expect(rows).toHaveLength(lines.size);
    for (const row of rows) {
      const line = lines.get(row.job_id)!;
      expect(Number(row.cost_micro_usd)).toBe(line.costMicroUsd);
      expect(row.state).toBe(line.state);
      expect(row.simulated).toBe('true');
      if (line.answer) {
        expect(JSON.parse(row.answer_json)).toEqual(line.answer);
        expect(row.summary).toBe((line.answer as { summary: string }).summary);
      }
    }
  });

  it('Markdown report: summary sections, a section per building with its analyses, grounding and local times, the simulated mark', async () => {
    const dir = join(pipeline.dir, 'out');
    const { file } = await runResults(pipeline.runtime, batchA, { format: 'md', out: dir }, quiet);
    const md = await readFile(file!, 'utf8');
    expect(md).toMatch(/^# Portfolio report\n\nBatch batch_\w+ \(/);
    expect(md).toContain('**SIMULATED:');
    for (const title of [
      '## Portfolio summary',
      '## Consumption per meter',
      '## Electricity EUI and ranking against peers',
      '## Data quality',
      '## Largest anomalies',
      '## Retrofit opportunities ranked by savings',
      '## How the analyses were produced',
    ]) {
      expect(md).toContain(title);
    }
    const lines = await jsonlOf(batchA);
    const buildings = [...new Set(lines.map((line) => line.buildingId!))];
    for (const building of buildings) expect(md).toContain(`### ${building}\n`);
    // Every analysis is there with how it was produced; kept ones with the gate's grounding.
    expect(md.match(/^#### (data-quality-triage|building-diagnostic|retrofit-plan) — /gm)).toHaveLength(lines.length);
    expect(md.match(/^_Produced by:_ /gm)).toHaveLength(lines.length);
    expect(md).toMatch(/Grounding \(the gate's check of every figure\): \d+ matched/);
    // Periods in the buildings' local time (the synthetic portfolio is Europe/London), not UTC ISO strings.
    expect(md).toContain('| Period (local time) | 2019-01-01 00:00 UTC+00:00 – ');
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
    // Retrofit opportunities: ranked by savings, highest first.
    const section = md.slice(md.indexOf('## Retrofit opportunities'), md.indexOf('## How the analyses'));
    const savings = [...section.matchAll(/^\| [^|]+ \| [^|]+ \| ([\d,]+) \|/gm)].map((match) => Number(match[1].replaceAll(',', '')));
    expect(savings.length).toBeGreaterThan(0);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
  });

  it('Markdown report of a batch whose jobs all wait in review: each analysis says why it has no result', async () => {
    const out = collect();
    await runResults(pipeline.runtime, batchB, { format: 'md' }, out.stream);
    const md = out.text();
    expect(md.match(/^_No result:_ waiting for review: /gm)).toHaveLength(BUILDINGS);
    expect(md).toContain('No kept analysis estimated savings');
  });

  it('GET /v1/batches/:id/results streams the same JSONL; an unknown batch is 404', async () => {
    const token = 'results-test-token-0123456789';
    const server: Server = createIntakeApp(pipeline.runtime, token).listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const headers = { authorization: `Bearer ${token}` };
      const response = await fetch(`${url}/v1/batches/${batchB}/results`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      const out = collect();
      await writeResultsJsonl(pipeline.runtime.database.pool, batchB, out.stream);
      expect(await response.text()).toBe(out.text());
      expect((await fetch(`${url}/v1/batches/b_nope/results`, { headers })).status).toBe(404);
      expect((await fetch(`${url}/v1/batches/${batchB}/results`)).status).toBe(401);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  const chromiumMissing = !existsSync(CHROMIUM);
  if (chromiumMissing) console.warn(`results-report: SKIPPING the headless-Chromium report test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  it.skipIf(chromiumMissing)(
    `HTML report in headless Chromium (${CHROMIUM}): every chart rendered with marks, prints one building per page; screenshots in test-artifacts/`,
    async () => {
      const { chromium } = await import('playwright-core');
      const { file } = await runResults(pipeline.runtime, batchA, { format: 'html', out: join(pipeline.dir, 'out') }, quiet);
      await mkdir(ARTIFACTS, { recursive: true });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
        const requests: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith('file:')) requests.push(request.url());
        });
        await page.goto(`file://${file}`);
        // The page's globals, typed loosely: this project compiles without the DOM library.
        const charts = await page.evaluate(() => {
          const { document } = globalThis as any;
          type Element = any;
          const marks = (svg: Element) => svg.querySelectorAll('g.role-mark path, g.role-mark rect, g.role-mark line').length;
          const box = (svg: Element) => svg.getBoundingClientRect();
          return {
            summary: [...document.querySelectorAll('section.summary svg')].map((svg) => ({ marks: marks(svg), width: box(svg).width, height: box(svg).height })),
            buildings: [...document.querySelectorAll('section.building')].map((section) => ({
              id: section.id,
              charts: [...section.querySelectorAll('svg')].map((svg) => ({ marks: marks(svg), width: box(svg).width, height: box(svg).height })),
              analyses: section.querySelectorAll('.analysis').length,
            })),
            simulatedBanner: document.querySelector('.simulated')?.textContent ?? '',
            scripts: document.querySelectorAll('script').length,
          };
        });
        expect(charts.scripts).toBe(0);
        expect(requests).toEqual([]); // self-contained: nothing fetched beyond the file
        expect(charts.simulatedBanner).toMatch(/^SIMULATED: /);
        expect(charts.summary.length).toBe(3); // EUI distribution, EUI ranking, data issues
        expect(charts.buildings).toHaveLength(BUILDINGS);
        for (const building of charts.buildings) {
          expect(building.analyses).toBe(3);
          expect(building.charts).toHaveLength(2); // monthly profile, load shape
        }
        for (const chart of [...charts.summary, ...charts.buildings.flatMap((building) => building.charts)]) {
          expect(chart.marks).toBeGreaterThan(0);
          expect(chart.width).toBeGreaterThan(100);
          expect(chart.height).toBeGreaterThan(50);
        }
        await page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });
        await page
          .locator('section.building')
          .first()
          .screenshot({ path: join(ARTIFACTS, 'report-building.png') });
        await page.emulateMedia({ media: 'print' });
        const printed = await page.evaluate(() => {
          const { document, getComputedStyle } = globalThis as any;
          return {
            breakBefore: getComputedStyle(document.querySelector('section.building')).breakBefore,
            toc: getComputedStyle(document.querySelector('nav.toc')).display,
          };
        });
        expect(printed).toEqual({ breakBefore: 'page', toc: 'none' });
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        await writeFile(join(ARTIFACTS, 'report.pdf'), pdf);
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
