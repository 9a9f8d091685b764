import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';
import { generatePortfolio } from '@eaio/energy';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { freePort } from './support/free-port';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

/**
 * A real Prometheus (Debian's `prometheus` binary, run directly with a temporary config)
 * scrapes an `eaio workers` process and an `eaio board` process while a rehearsal batch
 * runs; afterwards its HTTP API must hold every metric the operator needs, non-zero.
 */

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const ROOT = join(__dirname, '..');
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

const models = (config: EaioConfig) => ({
  // Local answers fail the gate half the time, so jobs escalate to the (paid) api tier.
  [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, { answers: { grounded: 0.5, hallucination: 0.5, invalidJson: 0, missingSections: 0 } }),
  [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, { answers: { grounded: 0.5, hallucination: 0.5, invalidJson: 0, missingSections: 0 } }),
  ...Object.fromEntries(
    config.tiers.api.candidates.map((candidate) => [
      candidate.model,
      withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    ]),
  ),
});

const prometheusMissing = !existsSync(PROMETHEUS);
if (prometheusMissing) console.warn(`metrics-prometheus: SKIPPING: no Prometheus at ${PROMETHEUS} (apt-get install -y prometheus, or set PROMETHEUS_PATH)`);

describe.skipIf(prometheusMissing)('metrics wherever it runs, scraped by a real Prometheus', () => {
  let pipeline: TestPipeline;
  let dir: string;
  const children: ChildProcess[] = [];
  let prometheusUrl = '';
  const logs: Record<string, string[]> = { workers: [], board: [], prometheus: [] };

  const start = (name: string, command: string, args: string[], env: Record<string, string>) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk) => logs[name].push(String(chunk)));
    child.stderr?.on('data', (chunk) => logs[name].push(String(chunk)));
    children.push(child);
    return child;
  };

  const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  };

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', timeScale: 0.01, models });
    dir = await mkdtemp(join(tmpdir(), 'eaio-prometheus-'));
    const [workersPort, boardPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
    const env = { ...pipeline.env, LOG_LEVEL: 'info' };
    start('workers', process.execPath, ['bin/eaio.mjs', 'workers', '--no-reports', '--metrics-port', String(workersPort)], env);
    start('board', process.execPath, ['bin/eaio.mjs', 'board', '--port', String(boardPort)], env);
    await waitFor(
      async () =>
        await fetch(`http://127.0.0.1:${workersPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
      'eaio workers /healthz',
    );
    await waitFor(
      async () =>
        await fetch(`http://127.0.0.1:${boardPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
      'eaio board /healthz',
    );
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: workers',
      `    static_configs: [{ targets: ['127.0.0.1:${workersPort}'] }]`,
      '  - job_name: board',
      '    authorization:',
      '      type: Bearer',
      `      credentials: ${pipeline.config.board.token}`,
      `    static_configs: [{ targets: ['127.0.0.1:${boardPort}'] }]`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    start(
      'prometheus',
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
      {},
    );
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    await waitFor(
      async () =>
        await fetch(`${prometheusUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
      'Prometheus ready',
    );

    const portfolio = await generatePortfolio({ buildings: 4, outDir: join(pipeline.dir, 'portfolio'), seed: 21 });
    const submitted = await runSubmit(
      pipeline.runtime,
      {
        meter: [portfolio.files.meter],
        metadata: portfolio.files.metadata,
        weather: portfolio.files.weather,
        privacy: 'ENHANCED',
        tenant: 'metrics',
        progress: false,
        simulated: true,
        analysis: 'data-quality-triage,building-diagnostic',
      },
      quiet,
    );
    const batchId = submitted.batchId;
    await waitFor(
      async () => (await pipeline.runtime.database.pool.query('SELECT status FROM batches WHERE id = $1', [batchId])).rows[0].status === 'done',
      180_000,
      'the batch to finish',
    );
    // Scrapes every second: wait until Prometheus has seen the calls' end.
    const calls = Number((await pipeline.runtime.database.pool.query("SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1 AND outcome <> 'started'", [batchId])).rows[0].n);
    await waitFor(async () => Number((await query('sum(eaio_provider_calls_total{job="workers"})'))[0]?.value[1] ?? 0) >= calls, 30_000, `Prometheus to see ${calls} calls`);
    await waitFor(async () => (await query('eaio_queue_jobs{job="board",state="completed"} > 0')).length > 0, 30_000, 'Prometheus to scrape the board after the batch');
  }, 300_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null
          ? undefined
          : new Promise((resolve) => {
              const timer = setTimeout(() => {
                child.kill('SIGKILL');
                resolve(undefined);
              }, 15_000);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve(undefined);
              });
            }),
      ),
    );
    await pipeline?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scrapes both processes', async () => {
    const up = await query('up');
    expect(Object.fromEntries(up.map((row) => [row.metric.job, row.value[1]]))).toEqual({ workers: '1', board: '1' });
  });

  const nonZero = async (promql: string) => {
    const rows = await query(promql);
    expect(rows.length, `${promql}: no series\n${logs.workers.join('').slice(-2000)}`).toBeGreaterThan(0);
    expect(
      rows.some((row) => Number(row.value[1]) > 0),
      `${promql}: every series is 0`,
    ).toBe(true);
    return rows;
  };

  it('calls and outcomes per tier, provider and model; latency histograms; tokens; spend; gate scores (eaio workers)', async () => {
    const calls = await nonZero('eaio_provider_calls_total{job="workers"}');
    expect(new Set(calls.map((row) => row.metric.tier))).toEqual(new Set(['local-fast', 'local-quality', 'api'].filter((tier) => calls.some((row) => row.metric.tier === tier))));
    expect(calls.some((row) => row.metric.tier === 'api' && row.metric.outcome === 'passed')).toBe(true);
    expect(calls.some((row) => row.metric.outcome === 'failed-gate')).toBe(true);
    for (const row of calls) expect(row.metric.provider && row.metric.model).toBeTruthy();
    await nonZero('eaio_provider_call_seconds_count{job="workers"}');
    await nonZero('eaio_provider_call_seconds_bucket{job="workers",le="+Inf"}');
    await nonZero('eaio_tokens_total{job="workers",kind="input"}');
    await nonZero('eaio_tokens_total{job="workers",kind="output"}');
    await nonZero('eaio_spend_micro_usd_total{job="workers",tier="api"}');
    await nonZero('eaio_gate_score_count{job="workers"}');
    await nonZero('eaio_gate_score_sum{job="workers"}');
    await nonZero('eaio_job_deliveries_total{job="workers"}');
  });

  it('budget remaining, queue depth and local slots (both processes)', async () => {
    for (const job of ['workers', 'board']) {
      await nonZero(`eaio_budget_remaining_micro_usd{job="${job}"}`);
      await nonZero(`eaio_queue_jobs{job="${job}",state="completed"}`);
      await nonZero(`eaio_local_slots_capacity{job="${job}"}`);
      expect((await query(`eaio_local_slots_in_use{job="${job}"}`)).length).toBeGreaterThan(0);
    }
    await nonZero('eaio_local_slot_leases_total{job="workers"}');
    // Slots in use at a given scrape depend on timing; the leases counter says they were used.
  });

  it('every query of the Grafana dashboard (deploy/grafana/dashboards/eaio.json) runs, and the gauge panels have data', async () => {
    const dashboard = JSON.parse(await readFile(join(ROOT, 'deploy/grafana/dashboards/eaio.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const rows = await query(target.expr); // throws on a query Prometheus rejects
        if (rows.length === 0) empty.push(`${panel.title}: ${target.expr}`);
      }
    }
    // Rates and increases need two scrapes after a change (timing); queries of plain gauges must have data now.
    expect(empty.filter((line) => !/rate\(|increase\(/.test(line))).toEqual([]);
  });
});
