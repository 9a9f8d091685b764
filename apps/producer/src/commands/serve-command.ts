import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
// Only the token check, not the board (Bull Board and the results views stay out of the intake process).
import { presentedToken } from '@eaio/board/auth';
import { batchStatus } from '@eaio/db';
import { readBatch, writeResultsJsonl } from '@eaio/results';
import { isTenantName, parseDeadline, PRIVACY_LEVELS, TENANT_NAME_HINT, type EaioConfig, type PrivacyLevel } from '@eaio/core';
import { timingSafeEqual } from 'node:crypto';
import { createPostgresIntakeStore } from '../postgres-intake-store';
import { BodyTooLargeError, BodyUnreadableError, formatBytes, receiveBody } from '../receive-body';
import type { Runtime } from '../runtime';
import { submitPrompts } from '../submit-prompts';
import { createSpend } from '../compose-workers';

const JSONL_TYPES = ['application/x-ndjson', 'application/jsonl', 'text/plain'];
const JSONL_HINT = 'send JSONL (one {"id","prompt","privacy","taskType"} per line) with Content-Type: application/x-ndjson';

/** Every error answer has this shape: a code, what went wrong, and what to do. */
const fail = (response: Response, status: number, error: string, message: string, hint: string): void => {
  response.status(status).json({ error, message, hint });
};

/** One JSON answer for every error, never an HTML page (body-parser, 413, a throw anywhere). */
const jsonErrors =
  (runtime: Runtime): ErrorRequestHandler =>
  (error: unknown, request, response, _next) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (response.headersSent) {
      runtime.log.warn({ err: error, path: request.path }, 'intake: error after the answer started; closing the connection');
      request.socket.destroy();
      return;
    }
    if (status >= 500) {
      runtime.log.error({ err: error, path: request.path }, 'intake: request failed');
      fail(
        response,
        500,
        'internal',
        `the intake could not finish this request (${(error as Error).name ?? 'error'})`,
        'see the intake log; sending the same body again is safe (job ids are deterministic, nothing is duplicated)',
      );
      return;
    }
    const type = (error as { type?: string }).type;
    const message = error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error).slice(0, 300);
    fail(response, status, type === 'entity.too.large' ? 'payload_too_large' : 'bad_request', message, JSONL_HINT);
  };

/** Who is calling: an operator (the board token: every tenant) or one tenant (its `TENANT_TOKENS` entry). */
export type IntakeCaller = { admin: true } | { admin: false; tenant: string };

const sameToken = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The caller a token names (every token compared, constant time each), or `undefined`. */
export const callerOf = (presented: string | undefined, boardToken: string, config: Pick<EaioConfig, 'tenants'>): IntakeCaller | undefined => {
  let caller: IntakeCaller | undefined;
  if (presented && sameToken(presented, boardToken)) caller = { admin: true };
  for (const [tenant, token] of Object.entries(config.tenants.tokens)) {
    if (presented && token.length > 0 && sameToken(presented, token) && caller === undefined) caller = { admin: false, tenant };
  }
  return caller;
};

const callerOfResponse = (response: Response): IntakeCaller => response.locals.caller as IntakeCaller;

/** The batch's tenant, when the caller may see the batch (an operator: any; a tenant: its own); else `undefined` (answered 404 alike). */
const visibleBatch = async (runtime: Runtime, caller: IntakeCaller, batchId: string): Promise<string | undefined> => {
  const { rows } = await runtime.database.pool.query<{ tenant: string }>('SELECT tenant FROM batches WHERE id = $1', [batchId]);
  if (rows.length === 0) return undefined;
  return caller.admin || rows[0].tenant === caller.tenant ? rows[0].tenant : undefined;
};

/**
 * HTTP intake behind BOARD_TOKEN and the tenant tokens: `POST /v1/batches?tenant=&privacy=` with a JSONL body
 * (`application/x-ndjson`, optionally `Content-Encoding: gzip`) submits prompt jobs through
 * the same path as the CLI and answers with the batch id, counts, the first
 * `intake.maxIssuesListed` issues and every issue counted by kind; `GET /v1/batches/:id` is
 * its status.
 *
 * The body is streamed to a temporary file (never held in memory) and read line by line;
 * past `intake.maxBodyMb` the answer is 413. A body with no usable line is answered 422
 * and stores nothing. Every error answer is JSON: `{ error, message, hint }`.
 */
export const createIntakeApp = (runtime: Runtime, token: string) => {
  const { guard } = createSpend(runtime, runtime.log);
  const maxBodyBytes = Math.floor(runtime.config.intake.maxBodyMb * 1024 * 1024);
  const tooLarge = (response: Response): void => {
    response.set('Connection', 'close');
    fail(
      response,
      413,
      'payload_too_large',
      `the request body is larger than the intake accepts (${formatBytes(maxBodyBytes)})`,
      'split the JSONL into several requests (each line is one job; resubmitting a line creates no duplicate), send it gzip-compressed (Content-Encoding: gzip; the limit counts uncompressed bytes), or raise INTAKE_MAX_BODY_MB',
    );
  };
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  // The board token is an operator (every tenant, `?tenant=` names one); a tenant token is its tenant only.
  app.use((request: Request, response: Response, next) => {
    const caller = callerOf(presentedToken(request), token, runtime.config);
    if (!caller) {
      response.status(401).set('WWW-Authenticate', 'Bearer realm="eaio intake"');
      fail(response, 401, 'unauthorized', 'no valid token', 'send Authorization: Bearer <your tenant token> (TENANT_TOKENS) or the operator token (BOARD_TOKEN)');
      return;
    }
    response.locals.caller = caller;
    next();
  });
  app.post('/v1/batches', async (request: Request, response: Response) => {
    const privacy = request.query.privacy;
    if (privacy !== undefined && !(PRIVACY_LEVELS as readonly unknown[]).includes(privacy)) {
      fail(
        response,
        400,
        'bad_request',
        `privacy ${JSON.stringify(privacy).slice(0, 60)} is not one of ${PRIVACY_LEVELS.join(', ')}`,
        'pass ?privacy=PRIVATE|ENHANCED|PUBLIC, or leave it out for the configured default',
      );
      return;
    }
    let deadline: Date | undefined;
    try {
      deadline = typeof request.query.deadline === 'string' ? parseDeadline(request.query.deadline) : undefined;
    } catch (error) {
      fail(
        response,
        400,
        'bad_request',
        error instanceof Error ? error.message : String(error),
        "pass ?deadline=24h (or 90m, 2d, an ISO time) to let api work go through the providers' batch endpoints, or leave it out",
      );
      return;
    }
    const caller = callerOfResponse(response);
    const named = request.query.tenant;
    if (named !== undefined && !isTenantName(named)) {
      fail(response, 400, 'bad_request', `tenant must be one name of ${TENANT_NAME_HINT}`, 'pass ?tenant=<name> once, or leave it out');
      return;
    }
    // The tenant comes from the token; only an operator may name one.
    if (!caller.admin && named !== undefined && named !== caller.tenant) {
      fail(response, 403, 'forbidden', 'a tenant token submits for its own tenant only', 'leave ?tenant= out (the token names the tenant)');
      return;
    }
    const tenant: string = caller.admin ? (named ?? 'default') : caller.tenant;
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!JSONL_TYPES.includes(contentType)) {
      fail(response, 415, 'unsupported_media_type', `Content-Type ${JSON.stringify(contentType || '(none)')} is not JSONL`, JSONL_HINT);
      return;
    }
    const charset = /charset=([^;]+)/i
      .exec(request.headers['content-type'] ?? '')?.[1]
      ?.trim()
      .replace(/"/g, '')
      .toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      fail(response, 415, 'unsupported_media_type', `charset ${JSON.stringify(charset)} is not UTF-8`, 'send the body as UTF-8 (JSON text is UTF-8 by definition)');
      return;
    }
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') {
      fail(response, 415, 'unsupported_media_type', `Content-Encoding ${JSON.stringify(encoding)} is not supported`, 'send the body uncompressed or with Content-Encoding: gzip');
      return;
    }
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (encoding === 'identity' && declared > maxBodyBytes) {
      request.resume();
      tooLarge(response);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'eaio-intake-'));
    const file = join(dir, 'request.jsonl');
    try {
      let body: { bytes: number; sha256: string };
      try {
        body = await receiveBody(request, file, maxBodyBytes);
      } catch (error) {
        if (BodyTooLargeError.isInstance(error)) {
          tooLarge(response);
          return;
        }
        if (BodyUnreadableError.isInstance(error)) {
          fail(response, 400, 'bad_request', error.message, 'send the whole body again');
          return;
        }
        throw error;
      }
      if (body.bytes === 0) {
        fail(response, 400, 'bad_request', 'the request body is empty', JSONL_HINT);
        return;
      }
      const result = await submitPrompts(
        { jsonlFile: file, displayName: 'request body', digest: body.sha256, tenant, privacy: privacy as PrivacyLevel | undefined, name: 'http intake', deadline },
        {
          config: runtime.config,
          store: createPostgresIntakeStore(runtime.database),
          queues: runtime.queues,
          budgetState: (name: string) => guard.budgetRoutingState(new Date(), { tenant: name }),
        },
      );
      const summary = { counts: result.counts, issues: result.issues, issueCounts: result.issueCounts };
      if (result.stored) {
        response.status(202).json({ batchId: result.batchId, ...summary });
        return;
      }
      const kinds = Object.entries(result.issueCounts.byKind)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ');
      response.status(422).json({
        error: 'rejected',
        message: `no line of the request body could be accepted (${result.issueCounts.total} issue${result.issueCounts.total === 1 ? '' : 's'}: ${kinds}); nothing was stored`,
        hint: `fix the lines listed in issues (file "request body", line, field) and send the body again; ${JSONL_HINT}`,
        ...summary,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  app.get('/v1/batches/:id', async (request, response) => {
    const status = (await visibleBatch(runtime, callerOfResponse(response), request.params.id)) === undefined ? undefined : await batchStatus(runtime.database, request.params.id);
    if (!status)
      fail(
        response,
        404,
        'not_found',
        `no batch ${JSON.stringify(request.params.id.slice(0, 100))}`,
        'use the batchId a POST /v1/batches answered with (a rejected submission stores no batch)',
      );
    else response.json(status);
  });
  app.get('/v1/batches/:id/results', async (request, response) => {
    // The batch's results streamed from Postgres as JSONL, one line per job (a failure mid-stream cuts the connection).
    if ((await visibleBatch(runtime, callerOfResponse(response), request.params.id)) === undefined || !(await readBatch(runtime.database.pool, request.params.id))) {
      fail(
        response,
        404,
        'not_found',
        `no batch ${JSON.stringify(request.params.id.slice(0, 100))}`,
        'use the batchId a POST /v1/batches answered with (a rejected submission stores no batch)',
      );
      return;
    }
    response.status(200).type('application/x-ndjson');
    await writeResultsJsonl(runtime.database.pool, request.params.id, response);
    response.end();
  });
  app.use((request, response) => {
    fail(
      response,
      404,
      'not_found',
      `no route ${request.method} ${request.path.slice(0, 100)}`,
      'the intake serves POST /v1/batches, GET /v1/batches/:id and GET /v1/batches/:id/results',
    );
  });
  app.use(jsonErrors(runtime));
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
