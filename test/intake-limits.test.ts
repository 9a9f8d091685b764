import type { Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeApp } from '../apps/producer/src/commands/serve-command';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import type { Runtime } from '../apps/producer/src/runtime';
import { openTestPipeline, type TestPipeline } from './support/pipeline-harness';

/**
 * The HTTP intake and `eaio submit` under bad input: answers stay small and JSON, bad
 * bytes and implausible readings are named by line, unknown fields are warned about,
 * and a submission with nothing usable stores nothing.
 */

interface IntakeAnswer {
  error?: string;
  message?: string;
  hint?: string;
  batchId?: string;
  counts?: { created: number; alreadyKnown: number };
  issues?: { kind: string; severity: string; file: string; line: number; field?: string; message: string; hint: string }[];
  issueCounts?: { total: number; listed: number; byKind: Record<string, number>; bySeverity: Record<string, number> };
}

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const token = 'intake-limits-token-0123456789';

const listen = async (app: ReturnType<typeof createIntakeApp>): Promise<{ server: Server; url: string }> => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

/** `count` junk lines of mixed shapes (plain text, broken JSON, wrong objects), deterministic. */
const junkLines = (count: number): string[] =>
  Array.from({ length: count }, (_unused, index) =>
    index % 3 === 0 ? `junk line ${index} ;;; not json at all` : index % 3 === 1 ? `{"id": "j${index}", "prompt": ` : `[${index}, "an array is not a job"]`,
  );

describe('intake limits: small JSON answers, named problems, nothing stored for nothing usable', () => {
  let pipeline: TestPipeline;
  let server: Server;
  let url: string;
  let small: { server: Server; url: string };

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh' });
    ({ server, url } = await listen(createIntakeApp(pipeline.runtime, token)));
    // Same runtime, a 1 MB body limit (what INTAKE_MAX_BODY_MB=1 sets).
    const limited: Runtime = { ...pipeline.runtime, config: { ...pipeline.runtime.config, intake: { ...pipeline.runtime.config.intake, maxBodyMb: 1 } } };
    small = await listen(createIntakeApp(limited, token));
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await new Promise((resolve) => small?.server.close(resolve));
    await pipeline?.close();
  });

  const post = (body: string | Buffer | ReadableStream, options: { query?: string; base?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${options.base ?? url}/v1/batches${options.query ?? '?tenant=limits'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...options.headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  const readAnswer = async (response: Response): Promise<{ status: number; type: string; bytes: number; json: IntakeAnswer }> => {
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    expect(type, `not JSON: ${text.slice(0, 200)}`).toMatch(/^application\/json/);
    return { status: response.status, type, bytes: Buffer.byteLength(text), json: JSON.parse(text) as IntakeAnswer };
  };

  const batchCount = async (): Promise<number> => (await pipeline.runtime.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM batches')).rows[0].n;

  it('lists the first intake.maxIssuesListed issues and counts all of them by kind: 20,000 junk lines make a small answer', async () => {
    const { status, bytes, json } = await readAnswer(await post(junkLines(20_000).join('\n')));
    expect(status).toBe(422);
    expect(json.error).toBe('rejected');
    expect(json.issues).toHaveLength(pipeline.config.intake.maxIssuesListed);
    expect(json.issueCounts).toMatchObject({ total: 20_000, listed: pipeline.config.intake.maxIssuesListed, byKind: { 'invalid-json': 20_000 }, bySeverity: { error: 20_000 } });
    expect(json.issues![0]).toMatchObject({ kind: 'invalid-json', file: 'request body', line: 1 });
    expect(json.issues![1].message).toMatch(/not valid JSON/);
    expect(bytes).toBeLessThan(100_000);
  });

  it('a 50 MB body of junk lines is streamed and answered with one small JSON error', async () => {
    const line = 'this is junk, not a JSON object; 0123456789 abcdefghijklmnopqrstuvwxyz\n';
    const lines = Math.ceil((50 * 1024 * 1024) / line.length);
    const body = Buffer.from(line.repeat(lines));
    const { status, bytes, json } = await readAnswer(await post(body));
    expect(status).toBe(422);
    expect(json.issueCounts).toMatchObject({ total: lines, byKind: { 'invalid-json': lines } });
    expect(json.issues![0]).toMatchObject({ kind: 'invalid-json', line: 1 });
    expect(json.issues!.at(-1)).toMatchObject({ line: pipeline.config.intake.maxIssuesListed });
    expect(bytes).toBeLessThan(100_000);
  }, 120_000);

  it('a body over intake.maxBodyMb is answered 413 in JSON, with or without Content-Length', async () => {
    const body = `${junkLines(1).join('')}\n`.repeat(Math.ceil((2 * 1024 * 1024) / 40));
    const declared = await readAnswer(await post(body, { base: small.url }));
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ error: 'payload_too_large' });
    expect(declared.json.message).toContain('1 MB');
    expect(declared.json.hint).toMatch(/split|INTAKE_MAX_BODY_MB/);

    const bytes = Buffer.from(body);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await readAnswer(await post(chunked, { base: small.url }));
    expect(streamed.status).toBe(413);
    expect(streamed.json.error).toBe('payload_too_large');
  });

  it('answers every error in JSON with what to do: unknown route, unsupported type or encoding, bad query', async () => {
    const missing = await readAnswer(await fetch(`${url}/v1/nothing-here`, { headers: { authorization: `Bearer ${token}` } }));
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 'not_found' });
    expect(missing.json.hint).toContain('/v1/batches');

    const brotli = await readAnswer(await post('{"id":"a","prompt":"b"}', { headers: { 'content-encoding': 'br' } }));
    expect(brotli.status).toBe(415);
    expect(brotli.json.hint).toMatch(/gzip|uncompressed/);

    const wrongType = await readAnswer(await post('{"id":"a","prompt":"b"}', { headers: { 'content-type': 'application/json' } }));
    expect(wrongType.status).toBe(415);
    expect(wrongType.json.hint).toContain('application/x-ndjson');

    const latin1 = await readAnswer(await post('{"id":"a","prompt":"b"}', { headers: { 'content-type': 'application/x-ndjson; charset=iso-8859-1' } }));
    expect(latin1.status).toBe(415);
    expect(latin1.json.message).toContain('iso-8859-1');

    const twoTenants = await readAnswer(await post('{"id":"a","prompt":"b"}', { query: '?tenant=a&tenant=b' }));
    expect(twoTenants.status).toBe(400);
    expect(twoTenants.json.error).toBe('bad_request');
  });

  it('reports a line that is not UTF-8 with its number and byte instead of reading it with U+FFFD; the other lines go through', async () => {
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify({ id: 'utf-1', prompt: 'Summarise the week.' })}\n`),
      Buffer.from('{"id":"utf-2","prompt":"caf'),
      Buffer.from([0xe9]),
      Buffer.from(' au lait"}\n'),
      Buffer.from(`${JSON.stringify({ id: 'utf-3', prompt: 'Café, in UTF-8 this time.' })}\n`),
    ]);
    const { status, json } = await readAnswer(await post(body, { query: '?tenant=utf8' }));
    expect(status).toBe(202);
    expect(json.counts!.created).toBe(2);
    expect(json.issues).toEqual([expect.objectContaining({ kind: 'invalid-utf8', line: 2, file: 'request body', severity: 'error' })]);
    expect(json.issues![0].message).toContain('byte 28');
    const { rows } = await pipeline.runtime.database.pool.query<{ source_id: string; payload: { prompt: string } }>(
      'SELECT source_id, payload FROM jobs WHERE batch_id = $1 ORDER BY source_id',
      [json.batchId],
    );
    expect(rows.map((row) => row.source_id)).toEqual(['utf-1', 'utf-3']);
    expect(rows.some((row) => row.payload.prompt.includes('\uFFFD'))).toBe(false);
  });

  it('warns about fields the format does not know and still accepts the job', async () => {
    const body = [
      JSON.stringify({ id: 'field-1', prompt: 'Classify this reading.', taskType: 'classification', colour: 'red' }),
      JSON.stringify({ id: 'field-2', prompt: 'Summarise this.', privcy: 'PRIVATE' }),
      JSON.stringify({ id: 'field-3', prompt: 'Plain line.' }),
    ].join('\n');
    const { status, json } = await readAnswer(await post(body, { query: '?tenant=fields' }));
    expect(status).toBe(202);
    expect(json.counts!.created).toBe(3);
    expect(json.issues!.map((issue) => [issue.kind, issue.severity, issue.line, issue.field])).toEqual([
      ['unknown-field', 'warning', 1, 'colour'],
      ['unknown-field', 'warning', 2, 'privcy'],
    ]);
    expect(json.issues![1].hint).toContain('privacy');
    expect(json.issueCounts).toMatchObject({ total: 2, bySeverity: { warning: 2 } });
  });

  it('stores no batch for a submission with no usable line (HTTP) or no usable building (CLI); valid work still goes through', async () => {
    const before = await batchCount();
    const rejected = await readAnswer(await post(junkLines(30).join('\n'), { query: '?tenant=rejected' }));
    expect(rejected.status).toBe(422);
    expect(rejected.json.batchId).toBeUndefined();
    expect(rejected.json.message).toContain('nothing was stored');

    const header = join(pipeline.dir, 'wrong-header.csv');
    await writeFile(header, 'id,time,energy\nb1,2019-01-01T00:00:00Z,1\n');
    const cli = await runSubmit(pipeline.runtime, { meter: [header], tenant: 'rejected', progress: false, simulated: true }, quiet);
    expect(cli.stored).toBe(false);
    expect(cli.counts.created).toBe(0);
    expect(cli.issues.map((issue) => issue.kind)).toEqual(['wrong-header']);
    expect(await batchCount()).toBe(before);
    const { rows } = await pipeline.runtime.database.pool.query('SELECT id FROM batches WHERE id = $1', [cli.batchId]);
    expect(rows).toHaveLength(0);

    const accepted = await readAnswer(await post([...junkLines(2), JSON.stringify({ id: 'kept', prompt: 'One good line.' })].join('\n'), { query: '?tenant=rejected' }));
    expect(accepted.status).toBe(202);
    expect(accepted.json.counts!.created).toBe(1);
    expect(await batchCount()).toBe(before + 1);
  });

  it('reports physically implausible readings by file, line and field; the hour counts as missing and the buildings still go through', async () => {
    const meter = join(pipeline.dir, 'implausible.csv');
    const metadata = join(pipeline.dir, 'implausible-metadata.csv');
    const hours = (id: string, values: string[]) => values.map((value, hour) => `${id},2019-01-01T${String(hour).padStart(2, '0')}:00:00Z,${value}`);
    await writeFile(metadata, 'building_id,sqm,primaryspaceusage,timezone\nb1,60000,Office,UTC\nb2,100,Office,UTC\n');
    await writeFile(
      meter,
      [
        'building_id,timestamp,kwh',
        ...hours('b1', ['10', '99999999999999999999999', '12', '11']), // line 3: above 100,000 kWh in an hour
        ...hours('b2', ['10', '12', '500', '11']), // line 8: 5 kWh/m² in an hour for 100 m²
      ].join('\n') + '\n',
    );
    const result = await runSubmit(pipeline.runtime, { meter: [meter], metadata, analysis: 'data-quality-triage', tenant: 'implausible', progress: false, simulated: true }, quiet);
    const implausible = result.issues.filter((issue) => issue.kind === 'implausible-reading');
    expect(implausible.map((issue) => [issue.file, issue.line, issue.field, issue.buildingId])).toEqual([
      [meter, 3, 'kwh', 'b1'],
      [meter, 8, 'kwh', 'b2'],
    ]);
    expect(implausible[0].message).toContain('100000 kWh');
    expect(implausible[1].message).toContain('kWh/m²');
    expect(result.counts.created).toBe(2);
    const { rows } = await pipeline.runtime.database.pool.query<{
      building_id: string;
      payload: { facts: { meters: { coverage: { validHours: number; missingHours: number }; annualKwh: number | null }[] } };
    }>('SELECT building_id, payload FROM jobs WHERE batch_id = $1 ORDER BY building_id', [result.batchId]);
    for (const row of rows) {
      const coverage = row.payload.facts.meters[0].coverage;
      expect([row.building_id, coverage.validHours, coverage.missingHours]).toEqual([row.building_id, 3, 1]);
    }
  });

  it('reports a meter row that is not UTF-8 by line and skips it instead of inventing a building named with U+FFFD', async () => {
    const meter = join(pipeline.dir, 'latin1.csv');
    await writeFile(
      meter,
      Buffer.concat([
        Buffer.from('building_id,timestamp,kwh\nb1,2019-01-01T00:00:00Z,10\nb1,2019-01-01T01:00:00Z,11\n'),
        Buffer.from('caf'),
        Buffer.from([0xe9]),
        Buffer.from(',2019-01-01T00:00:00Z,9\n'),
        Buffer.from('b2,2019-01-01T00:00:00Z,12\n'),
      ]),
    );
    const result = await runSubmit(pipeline.runtime, { meter: [meter], analysis: 'data-quality-triage', tenant: 'latin1', progress: false, simulated: true }, quiet);
    expect(result.issues).toEqual([expect.objectContaining({ kind: 'invalid-utf8', file: meter, line: 4 })]);
    expect(result.issues[0].message).toContain('byte 4');
    const { rows } = await pipeline.runtime.database.pool.query<{ building_id: string }>('SELECT building_id FROM jobs WHERE batch_id = $1 ORDER BY building_id', [result.batchId]);
    expect(rows.map((row) => row.building_id)).toEqual(['b1', 'b2']);
  });
});
