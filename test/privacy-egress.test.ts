import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour, type AnswerSynthesizer } from '@eaio/emulator';
import { extractDataBlock, synthesizeAnswer } from '@eaio/energy';
import type { EaioConfig } from '@eaio/core';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { runAudit } from '../apps/producer/src/commands/audit-command';
import { cambridgeBuildings, writeCambridgeSubset } from './support/cambridge';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { buildingIdsIn } from './support/pipeline-checks';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const ANALYSES = 'data-quality-triage,building-diagnostic';
const PER_PRIVACY = 6;

/** Local answers that mostly fail the gate, so ENHANCED jobs reach the api tier; clean API answers. */
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

/** Like a real model, the answer names the building it was shown (its name and id as the prompt gave them). */
const namingSynthesizer: AnswerSynthesizer = (prompt, behaviour, random) => {
  const answer = synthesizeAnswer(prompt, behaviour, random);
  const data = extractDataBlock(prompt);
  if (!answer || !data?.building.name) return answer;
  const named = JSON.stringify(`${data.building.name} (${data.building.id}): `).slice(1, -1);
  return { ...answer, text: answer.text.replace(/"summary":\s*"/, (opening) => `${opening}${named}`) };
};

/** What an ENHANCED building's metadata row says about who and where it is (no digits in names: they are what the answer repeats). */
const identity = (id: string, index: number) => ({
  name: `${['Hazel', 'Rowan', 'Linden', 'Aspen', 'Willow', 'Cedar', 'Maple', 'Elder'][index % 8]} Court West`,
  address: `${10 + index} Trumpington Street, Cambridge CB2 ${index}QA`,
  contact_email: `facilities.${id}@estates.example.org`,
  notes: `Keys with porter; call ${id}-desk before visits; contact facilities.${id}@estates.example.org`,
  latitude: (52.2 + index * 0.00731).toFixed(5),
  longitude: (0.11 + index * 0.00419).toFixed(5),
});

/** Adds the identifying columns to a Cambridge metadata subset; returns every identifying cell per building. */
const addIdentity = async (path: string): Promise<Map<string, string[]>> => {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  const header = lines[0].split(',');
  const out = [`${lines[0]},name,address,contact_email,notes,latitude,longitude`];
  const cells = new Map<string, string[]>();
  lines.slice(1).forEach((line, index) => {
    const fields = line.split(',');
    const id = fields[0];
    const who = identity(id, index);
    out.push(`${line},${who.name},"${who.address}",${who.contact_email},"${who.notes}",${who.latitude},${who.longitude}`);
    const column = (name: string) => fields[header.indexOf(name)];
    // Free-text and identifying cells of the input file (numbers and categories such as sqm or the time zone are not).
    cells.set(
      id,
      [
        id,
        who.name,
        who.address,
        'Trumpington Street',
        who.contact_email,
        who.notes,
        who.latitude,
        who.longitude,
        column('site_id'),
        column('weather_station'),
        column('source_folder'),
      ].filter((cell) => cell && cell.length > 0),
    );
  });
  await writeFile(path, `${out.join('\n')}\n`);
  return cells;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The cell as a word of its own (a building id "b1" must not match inside "b12"). */
const mentions = (text: string, cell: string) => new RegExp(`(?<![\\w.-])${escapeRegExp(cell)}(?![\\w-]|\\.\\d)`, 'i').test(text);

describe('privacy end to end: ENHANCED anonymised, every external request audited', () => {
  let pipeline: TestPipeline;
  let keyDir: string;
  const batchIds: Record<'PRIVATE' | 'ENHANCED', string> = { PRIVATE: '', ENHANCED: '' };
  let enhancedCells = new Map<string, string[]>();
  let privateBuildings: string[] = [];

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'eaio-key-'));
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.01,
      models,
      answerSynthesizer: namingSynthesizer,
      overrides: { privacy: { anonymisation: { secretFile: join(keyDir, 'sub', 'anonymisation-secret') } } },
    });
    const all = await cambridgeBuildings();
    privateBuildings = all.slice(0, PER_PRIVACY);
    const enhanced = all.slice(PER_PRIVACY, PER_PRIVACY * 2);
    const privateFiles = await writeCambridgeSubset(pipeline.dir, 'private', privateBuildings);
    await addIdentity(privateFiles.metadata);
    const enhancedFiles = await writeCambridgeSubset(pipeline.dir, 'enhanced', enhanced);
    enhancedCells = await addIdentity(enhancedFiles.metadata);
    for (const [files, privacy] of [
      [privateFiles, 'PRIVATE'],
      [enhancedFiles, 'ENHANCED'],
    ] as const) {
      const result = await runSubmit(
        pipeline.runtime,
        { meter: [files.meter], metadata: files.metadata, weather: files.weather, privacy, tenant: 'acme', progress: false, simulated: true, analysis: ANALYSES },
        quiet,
      );
      expect(result.counts.created).toBe(PER_PRIVACY * 2);
      batchIds[privacy] = result.batchId;
    }
    const workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    try {
      await waitFor(
        async () => {
          const { rows } = await pipeline.runtime.database.pool.query(
            "SELECT count(*)::int AS n FROM jobs WHERE batch_id = ANY($1) AND state NOT IN ('succeeded', 'review', 'failed')",
            [Object.values(batchIds)],
          );
          return rows[0].n === 0;
        },
        150_000,
        'every job to finish',
      );
    } finally {
      await workers.close();
    }
  }, 240_000);

  afterAll(async () => {
    await pipeline?.close();
    await rm(keyDir, { recursive: true, force: true });
  });

  const apiChats = () => pipeline.rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.host === 'api');
  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[]) => (await pipeline.runtime.database.pool.query(sql, params)).rows as T[];

  it('no building id, name, address, e-mail, note, site or exact coordinate of an ENHANCED building reaches an API host', async () => {
    const chats = apiChats();
    const enhancedJobs = await query<{ id: string }>('SELECT id FROM jobs WHERE batch_id = $1', [batchIds.ENHANCED]);
    expect(chats.length).toBeGreaterThanOrEqual(enhancedJobs.length / 2);
    let checked = 0;
    for (const entry of chats) {
      const text = JSON.stringify(entry.body);
      for (const [id, cells] of enhancedCells) {
        for (const cell of cells) {
          expect(mentions(text, cell), `${cell} (building ${id}) in request ${entry.attemptId}`).toBe(false);
          checked += 1;
        }
      }
      // The building is there, under its pseudonym, with rounded coordinates.
      expect(buildingIdsIn(entry)[0]).toMatch(/^BLDG-[A-Z]{10}$/);
      expect(text).toMatch(/\\"latitude\\": \\"52\.\d\\"/);
    }
    console.log(`privacy e2e: ${chats.length} API requests, ${checked} identifying cells checked, none found`);
  });

  it('stored results of ENHANCED jobs carry the real names, never a pseudonym', async () => {
    const rows = await query<{ building_id: string; text: string; tier: string }>(
      'SELECT j.building_id, r.text, r.tier FROM results r JOIN jobs j ON j.id = r.job_id WHERE r.batch_id = $1',
      [batchIds.ENHANCED],
    );
    const fromApi = rows.filter((row) => row.tier === 'api');
    expect(fromApi.length).toBeGreaterThan(0);
    for (const row of fromApi) {
      const name = enhancedCells.get(row.building_id)![1];
      expect(row.text).toContain(`${name} (${row.building_id})`);
    }
    for (const row of rows) expect(row.text).not.toMatch(/\b(?:BLDG|NAME|NOTES|SITE|ADDRESS|CONTACTEMAIL)-[A-Z]{10}\b/);
  });

  it('one audit row per external request, its hash equal to that of the body the emulator received; none for PRIVATE', async () => {
    const chats = apiChats();
    const audit = await query<{
      attempt_id: string;
      job_id: string;
      tenant: string;
      privacy: string;
      endpoint: string;
      model: string;
      fields_sent: string[];
      body_sha256: string;
      body_bytes: number;
      batch_id: string;
    }>('SELECT attempt_id, job_id, tenant, privacy, endpoint, model, fields_sent, body_sha256, body_bytes, batch_id FROM egress_audit WHERE batch_id = ANY($1)', [
      Object.values(batchIds),
    ]);
    expect(audit.length).toBe(chats.length);
    const byAttempt = new Map(audit.map((row) => [row.attempt_id, row]));
    expect(byAttempt.size).toBe(audit.length);
    for (const entry of chats) {
      const row = byAttempt.get(entry.attemptId!);
      expect(row, `audit row of ${entry.attemptId}`).toBeDefined();
      expect(row!.body_sha256).toBe(entry.bodySha256);
      expect(row!.body_bytes).toBe(entry.bodyBytes);
      expect(row).toMatchObject({ privacy: 'ENHANCED', tenant: 'acme', batch_id: batchIds.ENHANCED });
      expect(row!.fields_sent).toEqual(
        expect.arrayContaining(['building.id (pseudonym)', 'building.name (pseudonym)', 'building.metadata.address (pseudonym)', 'building.metadata.latitude (rounded)']),
      );
    }
    // Every api attempt is audited, and PRIVATE jobs never reached an API host.
    const apiAttempts = await query<{ attempt_id: string }>("SELECT attempt_id FROM attempts WHERE batch_id = ANY($1) AND tier = 'api'", [Object.values(batchIds)]);
    expect(apiAttempts.map((row) => row.attempt_id).sort()).toEqual([...byAttempt.keys()].sort());
    expect(audit.filter((row) => row.privacy === 'PRIVATE')).toEqual([]);
    const privateJobs = new Set((await query<{ id: string }>('SELECT id FROM jobs WHERE batch_id = $1', [batchIds.PRIVATE])).map((row) => row.id));
    expect(chats.filter((entry) => [...privateJobs].some((job) => entry.attemptId?.startsWith(job)))).toEqual([]);
    for (const entry of chats) for (const id of privateBuildings) expect(mentions(JSON.stringify(entry.body), id)).toBe(false);
  });

  it('eaio audit prints the rows (jsonl and csv, --batch and --since)', async () => {
    const capture = async (options: Parameters<typeof runAudit>[1]) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const count = await runAudit(pipeline.runtime, options, out);
      return { count, text: Buffer.concat(chunks).toString('utf8') };
    };
    const total = apiChats().length;
    const jsonl = await capture({ batch: batchIds.ENHANCED, format: 'jsonl' });
    expect(jsonl.count).toBe(total);
    const lines = jsonl.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { body_sha256: string; fields_sent: string[] });
    expect(lines.map((line) => line.body_sha256).sort()).toEqual(
      apiChats()
        .map((entry) => entry.bodySha256)
        .sort(),
    );
    expect((await capture({ batch: batchIds.PRIVATE, format: 'jsonl' })).count).toBe(0);
    const csv = await capture({ since: '2000-01-01', format: 'csv' });
    expect(csv.text.split('\n')[0]).toBe(
      'sent_at,attempt_id,request_seq,job_id,batch_id,tenant,privacy,tier,provider,endpoint,model,method,url,fields_sent,body_sha256,body_bytes',
    );
    expect(csv.count).toBeGreaterThanOrEqual(total);
    expect((await capture({ since: '2999-01-01', format: 'csv' })).count).toBe(0);
  });

  it('the anonymisation key was generated on first use, mode 0600, and never sent', async () => {
    const path = join(keyDir, 'sub', 'anonymisation-secret');
    const key = (await readFile(path, 'utf8')).trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    for (const entry of pipeline.rehearsal.emulator.log()) expect(JSON.stringify(entry.body ?? '')).not.toContain(key);
  });
});
