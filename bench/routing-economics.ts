/**
 * Routing economics: what each router pays for the same rehearsal workload, against an oracle
 * and against pure API.
 *
 *   npx tsx bench/routing-economics.ts [--buildings 200] [--training 100] [--time-scale 0.01] [--seed 1] [--min-samples 10]
 *        [--rates '{"local-fast":{"data-quality-triage":0.9,…},…}']
 *
 * Workload: the demo portfolio generator (`generatePortfolio`, seed `--seed`) × the three
 * analysis types, ENHANCED (so every chain may end at api), `--buildings` buildings (600 jobs
 * at 200). The built-in emulator answers behind the real SDKs; each tier's models answer
 * grounded with the probability `--rates` gives per tier and analysis type (the rest: 70 %
 * wrong figures, 15 % not JSON, 15 % missing sections), through the emulator's
 * `answersByTemplate`. Every run: a fresh database and Redis prefix, the real intake
 * (`runSubmit`) and tier workers (`composeWorkers`), quality gate, repairs (1 per tier) and escalation.
 *
 * Runs:
 *  - probe local-fast / probe local-quality: every job starts at that tier (PRIVATE, thresholds
 *    moved); only each job's first visit counts: did it pass there, what did the visit cost;
 *  - pure API (`LLM_STRATEGY=api-only`): every job straight to api;
 *  - fixed: the shipped router (`routing.adaptive.enabled: false`);
 *  - adaptive: the same, after a training batch (`--training` other buildings, generator seed
 *    + 1) routed by the fixed router on the same database, with `ROUTING_ADAPTIVE=true`.
 * The oracle sends each job straight to the cheapest tier where its probe visit passed
 * (cost of that visit; a job no tier passed costs its api visit and counts as in review).
 * The best static start is, per (analysis type, building class), the one start tier whose chain,
 * climbed through each job's probe visits, cost least over that group: it knows the group's pass
 * rates (in hindsight) but not which job will fail, so it is the floor for any router that picks
 * one start per class, the adaptive router included; the oracle's edge over it is per-job knowledge.
 * `spend vs pure API` leaves local slot time out (local compute taken as free).
 *
 * Cost = API spend (attempts' integer micro-USD at catalog prices) + local slot time at
 * `LOCAL_SLOT_USD_PER_HOUR` (default 0.05). Local latencies run at `--time-scale` of real
 * time, so slot time is divided by it (real-equivalent hours) before it is priced; the adaptive
 * router, which reads the recorded (scaled) latencies, is given the slot price divided by it, the same thing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ANALYSIS_TYPES, createLogger, loadConfig, type AnalysisType, type EaioConfig, type PrivacyLevel, type Tier } from '@eaio/core';
import { PRESETS, withBehaviour, type ModelBehaviour } from '@eaio/emulator';
import { generatePortfolio } from '@eaio/energy';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { startRehearsal } from '../apps/producer/src/rehearsal';
import { openRuntime } from '../apps/producer/src/runtime';
import { closeBenchRun, createBenchDatabase } from './bench-database';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const BUILDINGS = Number(argument('buildings') ?? 200);
const TRAINING = Number(argument('training') ?? 100);
const TIME_SCALE = Number(argument('time-scale') ?? 0.01);
const SEED = Number(argument('seed') ?? 1);
const MIN_SAMPLES = Number(argument('min-samples') ?? 10);
const SLOT_USD_PER_HOUR = Number(process.env.LOCAL_SLOT_USD_PER_HOUR ?? 0.05);
const DEFAULT_RATES: Record<Tier, Record<AnalysisType, number>> = {
  'local-fast': { 'data-quality-triage': 0.9, 'building-diagnostic': 0.45, 'retrofit-plan': 0.1 },
  'local-quality': { 'data-quality-triage': 0.95, 'building-diagnostic': 0.8, 'retrofit-plan': 0.3 },
  api: { 'data-quality-triage': 0.98, 'building-diagnostic': 0.97, 'retrofit-plan': 0.95 },
};
const RATES: Record<Tier, Record<AnalysisType, number>> = argument('rates') ? JSON.parse(argument('rates')!) : DEFAULT_RATES;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const ANALYSES = ANALYSIS_TYPES.join(',');

const behaviourFor = (base: ModelBehaviour, tier: Tier): ModelBehaviour => {
  const wrong = (pass: number) => ({ grounded: pass, hallucination: (1 - pass) * 0.7, invalidJson: (1 - pass) * 0.15, missingSections: (1 - pass) * 0.15 });
  return withBehaviour(base, {
    answersByTemplate: Object.fromEntries(ANALYSIS_TYPES.map((type) => [type, wrong(RATES[tier][type])])),
  });
};

/** Per job and tier: the first visit's cost (spend + priced slot time), whether it passed. */
interface Visit {
  jobKey: string;
  /** `analysis type|building class` (the adaptive router's evidence key). */
  group: string;
  tier: Tier;
  passed: boolean;
  spendMicroUsd: number;
  slotMs: number;
}
interface RunFigures {
  name: string;
  jobs: number;
  review: number;
  succeeded: number;
  apiCalls: number;
  localCalls: number;
  spendMicroUsd: number;
  slotHours: number;
  costMicroUsd: number;
  adaptiveMoves: number;
  /** Jobs adaptive routing started one tier below the learned start (exploration). */
  explored?: number;
  visits: Visit[];
  wallMs: number;
}

type Files = { meter: string; metadata: string; weather: string };
const slotCost = (slotMs: number): number => (slotMs / TIME_SCALE / 3_600_000) * SLOT_USD_PER_HOUR * 1e6;

const run = async (
  name: string,
  files: Files,
  options: { env?: Record<string, string>; overrides?: Parameters<typeof loadConfig>[0]['overrides']; privacy: PrivacyLevel; training?: Files },
): Promise<RunFigures> => {
  const { database, url } = await createBenchDatabase('eaio_bench');
  const base = loadConfig({ env: {} });
  const models: Record<string, ModelBehaviour> = {
    ...Object.fromEntries(base.tiers['local-fast'].candidates.map((c) => [c.model, behaviourFor(PRESETS.local3b, 'local-fast')])),
    ...Object.fromEntries(base.tiers['local-quality'].candidates.map((c) => [c.model, behaviourFor(PRESETS.local7b, 'local-quality')])),
    ...Object.fromEntries(base.tiers.api.candidates.map((c) => [c.model, behaviourFor(PRESETS.api, 'api')])),
  };
  const rehearsal = await startRehearsal(base, { timeScale: TIME_SCALE, models, seed: SEED });
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  let workers: Awaited<ReturnType<typeof composeWorkers>> | undefined;
  try {
    const env = { ...rehearsal.env, REDIS_URL, DATABASE_URL: url.toString(), LOG_LEVEL: 'error', LLM_DAILY_BUDGET: '1000', LLM_MONTHLY_BUDGET: '10000', ...options.env };
    const config: EaioConfig = loadConfig({ env, overrides: { retries: { backoffBaseMs: 20, backoffMaxMs: 200 }, ...options.overrides } });
    runtime = await openRuntime({ config, log: createLogger({ level: 'error', name: 'bench' }), namespace: `bench${randomUUID().slice(0, 8)}` });
    const pool = runtime.database.pool;
    const drain = async (batchId: string) => {
      for (;;) {
        const open = await pool.query('SELECT count(*)::int AS n FROM batches WHERE id = $1 AND status <> $2', [batchId, 'done']);
        if (open.rows[0].n === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    workers = await composeWorkers(runtime, { idlePollMs: 5 });
    if (options.training) {
      // History first, routed by the fixed router (adaptive reads it at the next intake).
      const fixedConfig = { ...config, routing: { ...config.routing, adaptive: { ...config.routing.adaptive, enabled: false } } };
      const trained = await runSubmit(
        { ...runtime, config: fixedConfig },
        {
          meter: [options.training.meter],
          metadata: options.training.metadata,
          weather: options.training.weather,
          privacy: options.privacy,
          tenant: 'bench',
          progress: false,
          simulated: true,
          analysis: ANALYSES,
        },
        quiet,
      );
      await drain(trained.batchId);
    }
    const started = performance.now();
    const submitted = await runSubmit(
      runtime,
      { meter: [files.meter], metadata: files.metadata, weather: files.weather, privacy: options.privacy, tenant: 'bench', progress: false, simulated: true, analysis: ANALYSES },
      quiet,
    );
    await drain(submitted.batchId);
    const wallMs = performance.now() - started;
    const batch = submitted.batchId;
    const jobs = (await pool.query('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batch])).rows as { state: string; n: number }[];
    const calls = (
      await pool.query(
        `SELECT count(*) FILTER (WHERE tier <> 'api')::int AS local, count(*) FILTER (WHERE tier = 'api')::int AS api,
              coalesce(sum(cost_micro_usd), 0)::bigint AS spend, coalesce(sum(latency_ms) FILTER (WHERE tier <> 'api'), 0)::bigint AS slot_ms
       FROM attempts WHERE batch_id = $1`,
        [batch],
      )
    ).rows[0];
    const visits = (
      await pool.query(
        `SELECT j.building_id || '|' || j.task_type AS job_key, j.task_type || '|' || coalesce(j.route_class, '') AS route_group, a.tier, bool_or(a.outcome = 'passed') AS passed,
              coalesce(sum(a.cost_micro_usd), 0)::bigint AS spend, coalesce(sum(a.latency_ms) FILTER (WHERE a.tier <> 'api'), 0)::bigint AS slot_ms
       FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.batch_id = $1 GROUP BY 1, 2, 3`,
        [batch],
      )
    ).rows.map((row) => ({ jobKey: row.job_key, group: row.route_group, tier: row.tier, passed: row.passed, spendMicroUsd: Number(row.spend), slotMs: Number(row.slot_ms) }));
    const moved = (await pool.query(`SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND route_reason ~ 'Adaptive:.*so it starts at'`, [batch])).rows[0].n;
    const explored = (await pool.query(`SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND route_reason ~ 'Adaptive:.*exploring:'`, [batch])).rows[0].n;
    if (process.env.BENCH_SHOW_REASONS) {
      for (const row of (await pool.query(`SELECT DISTINCT ON (task_type) task_type, route_reason FROM jobs WHERE batch_id = $1 ORDER BY task_type`, [batch])).rows)
        process.stderr.write(`${name}: ${row.route_reason}\n`);
    }
    const count = (state: string) => jobs.filter((row) => row.state === state).reduce((sum, row) => sum + row.n, 0);
    const spend = Number(calls.spend);
    const slotMs = Number(calls.slot_ms);
    return {
      name,
      jobs: jobs.reduce((sum, row) => sum + row.n, 0),
      review: count('review'),
      succeeded: count('succeeded'),
      apiCalls: calls.api,
      localCalls: calls.local,
      spendMicroUsd: spend,
      slotHours: slotMs / TIME_SCALE / 3_600_000,
      costMicroUsd: spend + slotCost(slotMs),
      adaptiveMoves: moved,
      explored,
      visits,
      wallMs,
    };
  } finally {
    await closeBenchRun({ workers, runtime, rehearsal, database });
  }
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eaio-bench-routing-'));
  try {
    const portfolio = await generatePortfolio({ buildings: BUILDINGS, outDir: join(dir, 'portfolio'), seed: SEED });
    const training = await generatePortfolio({ buildings: TRAINING, outDir: join(dir, 'training'), seed: SEED + 1 });
    const everyoneStartsAt = (localQualityAbove: number) => ({ routing: { localQualityAbove, apiAbove: 1, publicPreferApiAbove: 1, taskTypes: {} } });
    const log = (figures: RunFigures) =>
      process.stderr.write(`done: ${figures.name} (${figures.jobs} jobs, ${(figures.wallMs / 1000).toFixed(1)} s${figures.explored ? `, ${figures.explored} explored` : ''})\n`);
    const results: RunFigures[] = [];
    const probeFast = await run('probe local-fast', portfolio.files, { privacy: 'PRIVATE', overrides: everyoneStartsAt(1) });
    log(probeFast);
    const probeQuality = await run('probe local-quality', portfolio.files, { privacy: 'PRIVATE', overrides: everyoneStartsAt(0) });
    log(probeQuality);
    const pureApi = await run('pure API', portfolio.files, { privacy: 'ENHANCED', env: { LLM_STRATEGY: 'api-only' } });
    log(pureApi);
    const fixed = await run('fixed router', portfolio.files, { privacy: 'ENHANCED' });
    log(fixed);
    const adaptive = await run('adaptive router', portfolio.files, {
      privacy: 'ENHANCED',
      training: training.files,
      env: { ROUTING_ADAPTIVE: 'true', ROUTING_ADAPTIVE_MIN_SAMPLES: String(MIN_SAMPLES), LOCAL_SLOT_USD_PER_HOUR: String(SLOT_USD_PER_HOUR / TIME_SCALE) },
    });
    log(adaptive);

    // Oracle: each job straight to the cheapest tier whose (probe) visit passed.
    const visitOf = (figures: RunFigures, tier: Tier) => new Map(figures.visits.filter((v) => v.tier === tier).map((v) => [v.jobKey, v]));
    const byTier: [Tier, Map<string, Visit>][] = [
      ['local-fast', visitOf(probeFast, 'local-fast')],
      ['local-quality', visitOf(probeQuality, 'local-quality')],
      ['api', visitOf(pureApi, 'api')],
    ];
    const keys = new Set(pureApi.visits.map((v) => v.jobKey));
    let oracleCost = 0;
    let oracleSpend = 0;
    let oracleSlotMs = 0;
    let oracleReview = 0;
    const oracleStarts: Record<Tier, number> = { 'local-fast': 0, 'local-quality': 0, api: 0 };
    for (const key of keys) {
      const options = byTier.map(([tier, visits]) => ({ tier, visit: visits.get(key) })).filter((o) => o.visit?.passed);
      const pick =
        options.length > 0
          ? options.reduce((best, o) => (o.visit!.spendMicroUsd + slotCost(o.visit!.slotMs) < best.visit!.spendMicroUsd + slotCost(best.visit!.slotMs) ? o : best))
          : { tier: 'api' as Tier, visit: byTier[2][1].get(key) };
      if (options.length === 0) oracleReview += 1;
      if (!pick.visit) continue;
      oracleStarts[pick.tier] += 1;
      oracleSpend += pick.visit.spendMicroUsd;
      oracleSlotMs += pick.visit.slotMs;
      oracleCost += pick.visit.spendMicroUsd + slotCost(pick.visit.slotMs);
    }
    // Best static start, in hindsight: per (analysis type, building class), the one start tier
    // whose chain (climbing through each job's probe visits until one passes) cost least over
    // the group's jobs. It knows each group's pass rates but not which job will fail: the best
    // any router that picks one start per class can do, and what the adaptive router learns.
    const groupOf = new Map(pureApi.visits.map((v) => [v.jobKey, v.group]));
    const chainCost = (key: string, start: number) => {
      let spend = 0;
      let slotMs = 0;
      for (const [, visits] of byTier.slice(start)) {
        const visit = visits.get(key);
        if (!visit) continue; // a tier the job's type may not use (a task type's minTier)
        spend += visit.spendMicroUsd;
        slotMs += visit.slotMs;
        if (visit.passed) return { spend, slotMs, review: false };
      }
      return { spend, slotMs, review: true };
    };
    const groups = new Map<string, string[]>();
    for (const key of keys) groups.set(groupOf.get(key) ?? '', [...(groups.get(groupOf.get(key) ?? '') ?? []), key]);
    let staticCost = 0;
    let staticSpend = 0;
    let staticSlotMs = 0;
    let staticReview = 0;
    const staticStarts: Record<string, Tier> = {};
    for (const [group, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const starts = byTier
        .map(([tier], index) => ({ tier, index }))
        .filter(({ tier }) => members.some((key) => byTier.find(([t]) => t === tier)![1].has(key)))
        .map(({ tier, index }) => {
          const costs = members.map((key) => chainCost(key, index));
          return {
            tier,
            cost: costs.reduce((sum, c) => sum + c.spend + slotCost(c.slotMs), 0),
            spend: costs.reduce((sum, c) => sum + c.spend, 0),
            slotMs: costs.reduce((sum, c) => sum + c.slotMs, 0),
            review: costs.filter((c) => c.review).length,
          };
        });
      const best = starts.reduce((cheapest, start) => (start.cost < cheapest.cost ? start : cheapest));
      staticStarts[`${group} (${members.length})`] = best.tier;
      staticCost += best.cost;
      staticSpend += best.spend;
      staticSlotMs += best.slotMs;
      staticReview += best.review;
    }
    results.push(
      {
        name: 'oracle',
        jobs: keys.size,
        review: oracleReview,
        succeeded: keys.size - oracleReview,
        apiCalls: NaN,
        localCalls: NaN,
        spendMicroUsd: oracleSpend,
        slotHours: oracleSlotMs / TIME_SCALE / 3_600_000,
        costMicroUsd: oracleCost,
        adaptiveMoves: NaN,
        visits: [],
        wallMs: NaN,
      },
      {
        name: 'best static start',
        jobs: keys.size,
        review: staticReview,
        succeeded: keys.size - staticReview,
        apiCalls: NaN,
        localCalls: NaN,
        spendMicroUsd: staticSpend,
        slotHours: staticSlotMs / TIME_SCALE / 3_600_000,
        costMicroUsd: staticCost,
        adaptiveMoves: NaN,
        visits: [],
        wallMs: NaN,
      },
      fixed,
      adaptive,
      pureApi,
    );
    const header = [
      'router',
      'jobs',
      'succeeded',
      'review',
      'local calls',
      'api calls',
      'API spend USD',
      'local slot h',
      'cost USD',
      '× oracle',
      'vs pure API',
      'spend vs pure API',
      'starts moved',
    ];
    const rows = results.map((r) => [
      r.name,
      String(r.jobs),
      String(r.succeeded),
      String(r.review),
      Number.isNaN(r.localCalls) ? '—' : String(r.localCalls),
      Number.isNaN(r.apiCalls) ? '—' : String(r.apiCalls),
      (r.spendMicroUsd / 1e6).toFixed(4),
      r.slotHours.toFixed(2),
      (r.costMicroUsd / 1e6).toFixed(4),
      (r.costMicroUsd / oracleCost).toFixed(2),
      `${(((r.costMicroUsd - pureApi.costMicroUsd) / pureApi.costMicroUsd) * 100).toFixed(0)} %`,
      `${(((r.spendMicroUsd - pureApi.spendMicroUsd) / pureApi.spendMicroUsd) * 100).toFixed(0)} %`,
      Number.isNaN(r.adaptiveMoves) ? '—' : String(r.adaptiveMoves),
    ]);
    const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
    const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padStart(widths[column])).join(' | ')} |`;
    process.stdout.write(
      `\nRouting economics: ${BUILDINGS} buildings × ${ANALYSIS_TYPES.length} analysis types, ENHANCED (emulator seed ${SEED}, time scale ${TIME_SCALE}, slot $${SLOT_USD_PER_HOUR}/h, adaptive min samples ${MIN_SAMPLES}, training ${TRAINING} buildings)\n`,
    );
    process.stdout.write(`grounded-answer rates per call: ${JSON.stringify(RATES)}\n`);
    process.stdout.write(`oracle starts: ${JSON.stringify(oracleStarts)}\n`);
    process.stdout.write(`best static starts (hindsight, per analysis type|building class): ${JSON.stringify(staticStarts)}\n`);
    process.stdout.write(`${line(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
