import type { Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { computePortfolioFacts, type BuildingFacts } from '@eaio/energy';
import type { EaioConfig, PrivacyLevel } from '@eaio/core';
import { createBoardApp } from '@eaio/board';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { createIntakeApp } from '../apps/producer/src/commands/serve-command';
import { cambridgeBuildings, writeCambridgeSubset } from './support/cambridge';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const BOARD = 'test-board-token-0123456789';
const ADMIN = 'test-admin-token-0123456789';
const ACME = 'acme-tenant-token-0123456789';
const BETA = 'beta-tenant-token-0123456789';
const LEVELS: PrivacyLevel[] = ['PRIVATE', 'ENHANCED', 'PUBLIC'];
const BUILDINGS = 18;

/** Local answers that mostly fail the gate, so jobs whose chain allows it reach the api tier; clean API answers. */
const models = (config: EaioConfig) => ({
  [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.local3b, { answers: { grounded: 0.1, hallucination: 0.8, invalidJson: 0.1, missingSections: 0 } }),
  [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, { answers: { grounded: 0.1, hallucination: 0.8, invalidJson: 0.1, missingSections: 0 } }),
  ...Object.fromEntries(
    config.tiers.api.candidates.map((candidate) => [
      candidate.model,
      withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    ]),
  ),
});

const listen = async (app: ReturnType<typeof createBoardApp>): Promise<{ server: Server; url: string }> => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

describe('privacy per building, the stored job as the truth, tenants apart', () => {
  let pipeline: TestPipeline;
  let board: { server: Server; url: string };
  let intake: { server: Server; url: string };
  let batchId = '';
  const levelOf = new Map<string, PrivacyLevel>();
  let reference = new Map<string, BuildingFacts>();
  const perFile = new Map<string, BuildingFacts>();
  const tampered: { added?: string; edited?: string } = {};
  const boardCalls: Record<string, number> = {};

  beforeAll(async () => {
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.01,
      models,
      env: { BOARD_TOKEN: BOARD, BOARD_ADMIN_TOKEN: ADMIN, TENANT_TOKENS: `acme=${ACME},beta=${BETA}`, TENANT_PRIVACY: 'acme=PUBLIC' },
    });
    pipeline.runtime.config.privacy.anonymisation.secretFile = join(pipeline.dir, 'anonymisation-secret');
    const ids = (await cambridgeBuildings()).slice(0, BUILDINGS);
    const files = await writeCambridgeSubset(pipeline.dir, 'mixed', ids);
    // The whole portfolio's peers, and those of the old way (one file per level), before the column is added.
    reference = new Map(
      (await computePortfolioFacts({ meters: [{ meter: 'electricity', source: files.meter }], metadata: files.metadata, weather: files.weather })).facts.map((facts) => [
        facts.building.buildingId,
        facts,
      ]),
    );
    const lines = (await readFile(files.metadata, 'utf8')).trim().split('\n');
    const rows = lines.slice(1).map((line, index) => {
      const level = LEVELS[index % 3];
      levelOf.set(line.split(',')[0], level);
      return { line, level };
    });
    const levelFile = join(pipeline.dir, 'one-level-metadata.csv');
    for (const level of LEVELS) {
      await writeFile(levelFile, [lines[0], ...rows.filter((row) => row.level === level).map((row) => row.line)].join('\n') + '\n');
      for (const facts of (await computePortfolioFacts({ meters: [{ meter: 'electricity', source: files.meter }], metadata: levelFile, weather: files.weather })).facts) {
        if (levelOf.get(facts.building.buildingId) === level) perFile.set(facts.building.buildingId, facts);
      }
    }
    await writeFile(files.metadata, [`${lines[0]},privacy`, ...rows.map((row) => `${row.line},${row.level.toLowerCase()}`)].join('\n') + '\n');

    // One submit for the mixed portfolio; the tenant's default (PUBLIC) applies to no building (each has its own).
    const result = await runSubmit(
      pipeline.runtime,
      { meter: [files.meter], metadata: files.metadata, weather: files.weather, tenant: 'acme', progress: false, simulated: true, analysis: 'building-diagnostic' },
      quiet,
    );
    batchId = result.batchId;
    expect(result.counts.created).toBe(BUILDINGS);

    board = await listen(createBoardApp({ queues: Object.values(pipeline.runtime.queues) as never, token: BOARD, adminToken: ADMIN }));
    intake = await listen(createIntakeApp(pipeline.runtime, BOARD) as never);

    // Tampering through Bull Board while the jobs wait: the board token is refused, the admin token goes through.
    const privateJobs = (
      await pipeline.runtime.database.pool.query<{ id: string; payload: { facts: BuildingFacts } }>(
        "SELECT id, payload FROM jobs WHERE batch_id = $1 AND privacy = 'PRIVATE' ORDER BY id",
        [batchId],
      )
    ).rows;
    const waiting = async () => {
      const found = [];
      for (const tier of ['local-fast', 'local-quality'] as const) {
        for (const job of await pipeline.runtime.queues[tier].getJobs(['waiting', 'prioritized', 'delayed'])) found.push({ job, queue: pipeline.runtime.queues[tier].name });
      }
      return found;
    };
    const queued = await waiting();
    const [first, second] = privateJobs.map((row) => queued.find((entry) => entry.job.data.jobId === row.id)!.job);
    const apiQueue = pipeline.runtime.queues.api.name;
    const localQueue = queued.find((entry) => entry.job.id === second.id)!.queue;
    const asPublic = { ...first.data, privacy: 'PUBLIC', chain: ['api'], tier: 'api' };
    const call = async (label: string, token: string, method: string, path: string, body: unknown) => {
      const response = await fetch(`${board.url}/admin/queues${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      boardCalls[label] = response.status;
    };
    await call('add/board', BOARD, 'POST', `/api/queues/${apiQueue}/add`, { name: 'building-diagnostic', data: asPublic });
    await call('edit/board', BOARD, 'PATCH', `/api/queues/${localQueue}/${encodeURIComponent(second.id!)}/update-data`, {
      jobData: { ...second.data, privacy: 'PUBLIC', chain: ['local-fast', 'api'] },
    });
    await call('clean/board', BOARD, 'PUT', `/api/queues/${localQueue}/clean/completed`, {});
    await call('obliterate/board', BOARD, 'PUT', `/api/queues/${localQueue}/obliterate`, {});
    await call('retry/board', BOARD, 'PUT', `/api/queues/${localQueue}/retry/failed`, {});
    await call('add/admin', ADMIN, 'POST', `/api/queues/${apiQueue}/add`, { name: 'building-diagnostic', data: asPublic });
    await call('edit/admin', ADMIN, 'PATCH', `/api/queues/${localQueue}/${encodeURIComponent(second.id!)}/update-data`, {
      jobData: { ...second.data, privacy: 'PUBLIC', chain: ['local-fast', 'api'] },
    });
    tampered.added = first.data.jobId;
    tampered.edited = second.data.jobId;

    const workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    try {
      await waitFor(
        async () => {
          const { rows } = await pipeline.runtime.database.pool.query(
            "SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state NOT IN ('succeeded', 'review', 'failed')",
            [batchId],
          );
          return rows[0].n === 0 && (await pipeline.runtime.queues.api.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).waiting === 0;
        },
        200_000,
        'every job to finish',
      );
      // The tampered api job has been taken and answered by a worker (nothing left on the api queue).
      await waitFor(
        async () => Object.values(await pipeline.runtime.queues.api.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0),
        30_000,
        'the api queue to drain',
      );
    } finally {
      await workers.close();
    }
  }, 300_000);

  afterAll(async () => {
    await new Promise((resolve) => board?.server.close(resolve));
    await new Promise((resolve) => intake?.server.close(resolve));
    await pipeline?.close();
  });

  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[]) => (await pipeline.runtime.database.pool.query(sql, params)).rows as T[];
  const apiChats = () => pipeline.rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.host === 'api');

  it('Bull Board: the board token may retry but not add, edit, clean or obliterate; the admin token may', () => {
    expect(boardCalls).toMatchObject({ 'add/board': 403, 'edit/board': 403, 'clean/board': 403, 'obliterate/board': 403, 'add/admin': 200, 'edit/admin': 200 });
    expect(boardCalls['retry/board']).not.toBe(403);
  });

  it('a PRIVATE job re-added or edited through the board as PUBLIC never reaches an API host; its row still says PRIVATE', async () => {
    const privateJobs = await query<{ id: string; privacy: string; state: string; chain: string[] }>(
      "SELECT id, privacy, state, chain FROM jobs WHERE batch_id = $1 AND privacy = 'PRIVATE'",
      [batchId],
    );
    expect(privateJobs.length).toBe(BUILDINGS / 3);
    const ids = privateJobs.map((row) => row.id);
    expect(ids).toContain(tampered.added);
    expect(ids).toContain(tampered.edited);
    // The emulator's request log: no API request names a PRIVATE building (a re-added job's attempt id is the board's queue id, so bodies are what is checked).
    const buildings = (await query<{ building_id: string }>('SELECT building_id FROM jobs WHERE id = ANY($1)', [ids])).map((row) => row.building_id);
    const chats = apiChats();
    expect(chats.length).toBeGreaterThan(0);
    for (const entry of chats) {
      const body = JSON.stringify(entry.body);
      for (const building of buildings)
        expect(new RegExp(`(?<![\\w.-])${building}(?![\\w-])`).test(body), `PRIVATE building ${building} in api request ${entry.attemptId}`).toBe(false);
      expect(
        ids.some((id) => entry.attemptId?.startsWith(id)),
        `api request ${entry.attemptId}`,
      ).toBe(false);
    }
    expect(await query("SELECT attempt_id FROM attempts WHERE job_id = ANY($1) AND tier = 'api'", [ids])).toEqual([]);
    expect(await query('SELECT attempt_id FROM egress_audit WHERE job_id = ANY($1)', [ids])).toEqual([]);
    for (const row of privateJobs) expect(row.chain).not.toContain('api');
    // The api worker took the re-added job and refused it from the stored row.
    const added = await pipeline.runtime.queues.api.getJobs(['completed', 'failed']);
    expect(added.some((job) => job.data.jobId === tampered.added)).toBe(true);
  });

  it("one submit of a mixed metadata file: each job has its building's level and a chain that follows it", async () => {
    const rows = await query<{ building_id: string; privacy: string; chain: string[] }>('SELECT building_id, privacy, chain FROM jobs WHERE batch_id = $1', [batchId]);
    expect(rows.length).toBe(BUILDINGS);
    for (const row of rows) {
      expect(row.privacy, row.building_id).toBe(levelOf.get(row.building_id));
      expect(row.chain.includes('api'), `${row.building_id} ${row.privacy} ${row.chain.join('>')}`).toBe(row.privacy !== 'PRIVATE');
    }
    // ENHANCED and PUBLIC buildings did reach the API (the local answers fail), PRIVATE ones did not (above).
    const reached = new Set((await query<{ privacy: string }>('SELECT DISTINCT e.privacy FROM egress_audit e WHERE e.batch_id = $1', [batchId])).map((row) => row.privacy));
    expect([...reached].sort()).toEqual(['ENHANCED', 'PUBLIC']);
  });

  it("peer percentiles are those of the whole portfolio, not of each level's part", async () => {
    const rows = await query<{ building_id: string; payload: { facts: BuildingFacts } }>('SELECT building_id, payload FROM jobs WHERE batch_id = $1', [batchId]);
    let differsFromPerFile = 0;
    for (const row of rows) {
      const whole = reference.get(row.building_id)!;
      expect(row.payload.facts.peers, row.building_id).toEqual(whole.peers);
      if (JSON.stringify(perFile.get(row.building_id)?.peers) !== JSON.stringify(whole.peers)) differsFromPerFile += 1;
    }
    // Split per level (the old way) the groups and percentiles were others.
    expect(differsFromPerFile).toBeGreaterThan(0);
  });

  it("tenants: a tenant token reads its own batches only (404 on another's batch and results), names no other tenant, and tenant names are validated", async () => {
    const get = (path: string, token: string) => fetch(`${intake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(`/v1/batches/${batchId}`, ACME)).status).toBe(200);
    expect((await get(`/v1/batches/${batchId}`, BOARD)).status).toBe(200);
    expect((await get(`/v1/batches/${batchId}`, BETA)).status).toBe(404);
    expect((await get(`/v1/batches/${batchId}/results`, BETA)).status).toBe(404);
    const results = await get(`/v1/batches/${batchId}/results`, ACME);
    expect(results.status).toBe(200);
    expect((await results.text()).trim().split('\n').length).toBe(BUILDINGS);
    expect((await get(`/v1/batches/${batchId}`, 'not-a-token-0123456789')).status).toBe(401);

    const post = (query: string, token: string) =>
      fetch(`${intake.url}/v1/batches${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: JSON.stringify({ id: 'q1', prompt: 'Summarise the meter readings.', taskType: 'summarization' }),
      });
    for (const bad of ['', 'x'.repeat(10_000), 'a,b', 'a b']) expect((await post(`?tenant=${encodeURIComponent(bad)}`, BOARD)).status, JSON.stringify(bad.slice(0, 20))).toBe(400);
    expect((await post('?tenant=acme', BETA)).status).toBe(403);
    const own = await post('', BETA);
    expect(own.status).toBe(202);
    const betaBatch = ((await own.json()) as { batchId: string }).batchId;
    const stored = await query<{ tenant: string }>('SELECT tenant FROM batches WHERE id = $1', [betaBatch]);
    expect(stored[0].tenant).toBe('beta');
    expect((await get(`/v1/batches/${betaBatch}`, ACME)).status).toBe(404);
    expect((await get(`/v1/batches/${betaBatch}`, BETA)).status).toBe(200);
    // The tenant's default privacy: beta has none (DEFAULT_PRIVACY_LEVEL), acme's is PUBLIC.
    const acme = await post('', ACME);
    const acmeBatch = ((await acme.json()) as { batchId: string }).batchId;
    expect((await query<{ privacy: string }>('SELECT privacy FROM jobs WHERE batch_id = $1', [acmeBatch]))[0].privacy).toBe('PUBLIC');
    expect((await query<{ privacy: string }>('SELECT privacy FROM jobs WHERE batch_id = $1', [betaBatch]))[0].privacy).toBe(pipeline.config.routing.defaultPrivacy);
  });
});
