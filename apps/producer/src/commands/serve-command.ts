import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { requireBoardToken } from '@eaio/board';
import { batchStatus } from '@eaio/db';
import { readBatch, writeResultsJsonl } from '@eaio/results';
import { PRIVACY_LEVELS, type PrivacyLevel } from '@eaio/core';
import { createPostgresIntakeStore } from '../postgres-intake-store';
import type { Runtime } from '../runtime';
import { submitPrompts } from '../submit-prompts';
import { createSpend } from '../compose-workers';

/**
 * HTTP intake behind BOARD_TOKEN: `POST /v1/batches?tenant=&privacy=` with a JSONL body
 * (`application/x-ndjson`) submits prompt jobs through the same path as the CLI and
 * answers with the batch id, counts and per-line issues; `GET /v1/batches/:id` is its status.
 */
export const createIntakeApp = (runtime: Runtime, token: string) => {
  const { guard } = createSpend(runtime, runtime.log);
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  app.use(requireBoardToken(token));
  app.post('/v1/batches', express.text({ type: ['application/x-ndjson', 'application/jsonl', 'text/plain'], limit: '50mb' }), async (request, response) => {
    const privacy = request.query.privacy as string | undefined;
    if (privacy !== undefined && !(PRIVACY_LEVELS as readonly string[]).includes(privacy)) {
      response.status(400).json({ error: 'bad_request', message: `privacy "${privacy}" is not one of ${PRIVACY_LEVELS.join(', ')}` });
      return;
    }
    if (typeof request.body !== 'string' || request.body.trim() === '') {
      response.status(400).json({ error: 'bad_request', message: 'send JSONL (one {"id","prompt","privacy","taskType"} per line) with Content-Type: application/x-ndjson' });
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'eaio-intake-'));
    const file = join(dir, 'request.jsonl');
    try {
      await writeFile(file, request.body);
      const result = await submitPrompts(
        { jsonlFile: file, tenant: String(request.query.tenant ?? 'default'), privacy: privacy as PrivacyLevel | undefined, name: 'http intake' },
        {
          config: runtime.config,
          store: createPostgresIntakeStore(runtime.database),
          queues: runtime.queues,
          budgetState: (tenant: string) => guard.budgetRoutingState(new Date(), { tenant }),
        },
      );
      response.status(result.counts.created + result.counts.alreadyKnown > 0 ? 202 : 422).json({
        batchId: result.batchId,
        counts: result.counts,
        issues: result.issues.map((issue) => ({ ...issue, file: 'request body' })),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  app.get('/v1/batches/:id', async (request, response) => {
    const status = await batchStatus(runtime.database, request.params.id);
    if (!status) response.status(404).json({ error: 'not_found', message: `no batch "${request.params.id}"` });
    else response.json(status);
  });
  app.get('/v1/batches/:id/results', async (request, response) => {
    // The batch's results streamed from Postgres as JSONL, one line per job (a failure mid-stream cuts the connection).
    if (!(await readBatch(runtime.database.pool, request.params.id))) {
      response.status(404).json({ error: 'not_found', message: `no batch "${request.params.id}"` });
      return;
    }
    response.status(200).type('application/x-ndjson');
    await writeResultsJsonl(runtime.database.pool, request.params.id, response);
    response.end();
  });
  return app;
};

export const runServe = async (runtime: Runtime, options: { port: number; host: string }): Promise<void> => {
  const token = runtime.config.board.token;
  if (!token) throw new Error('BOARD_TOKEN is not set: the intake API uses the same token as the board (see .env.example)');
  const app = createIntakeApp(runtime, token);
  const server = app.listen(options.port, options.host);
  runtime.log.info({ url: `http://${options.host}:${options.port}/v1/batches` }, 'intake listening; Ctrl-C to stop');
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await new Promise<void>((done) => server.close(() => done()));
};
