import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { BatchItem, BatchMemory, EmulatedBatch, EmulatedFile } from './batch-memory';
import type { EmulatorState } from './emulator-state';
import { send } from './http-io';
import type { RequestContext } from './request-context';
import type { Route } from './routes';

/**
 * OpenAI's Files + Batch API and Anthropic's Message Batches, emulated. A batch is processed
 * `config.batchDelayMs` after it was created: each request line goes through this host's own
 * chat endpoint (same answer plan, faults, usage and prompt cache as an interactive call),
 * marked `x-eaio-emulator-batch` so the request log records it as a `batch-item` of that
 * batch, never as a client's chat call.
 */

export type { BatchMemory, EmulatedBatch, EmulatedFile } from './batch-memory';

export const BATCH_ITEM_HEADER = 'x-eaio-emulator-batch';

const OPENAI_FILE = /^\/v1\/files(?:\/([^/]+)(\/content)?)?$/;
const OPENAI_BATCH = /^\/v1\/batches(?:\/([^/]+)(\/cancel)?)?$/;
const ANTHROPIC_BATCH = /^\/v1\/messages\/batches(?:\/([^/]+)(\/cancel|\/results)?)?$/;

/** The batch route a request hits, `undefined` when none. */
export const matchBatchRoute = (method: string, path: string): Route | undefined => {
  const file = OPENAI_FILE.exec(path);
  if (file) {
    if (method === 'POST' && !file[1]) return { provider: 'openai', operation: 'file-upload' };
    if (method === 'GET' && file[1] && file[2]) return { provider: 'openai', operation: 'file-content', pathModel: decodeURIComponent(file[1]) };
    if (method === 'GET' && file[1]) return { provider: 'openai', operation: 'file-retrieve', pathModel: decodeURIComponent(file[1]) };
    return undefined;
  }
  const openai = OPENAI_BATCH.exec(path);
  if (openai) {
    if (method === 'POST' && !openai[1]) return { provider: 'openai', operation: 'batch-create' };
    if (method === 'POST' && openai[1] && openai[2]) return { provider: 'openai', operation: 'batch-cancel', pathModel: decodeURIComponent(openai[1]) };
    if (method === 'GET' && openai[1] && !openai[2]) return { provider: 'openai', operation: 'batch-retrieve', pathModel: decodeURIComponent(openai[1]) };
    return undefined;
  }
  const anthropic = ANTHROPIC_BATCH.exec(path);
  if (anthropic) {
    if (method === 'POST' && !anthropic[1]) return { provider: 'anthropic', operation: 'batch-create' };
    if (method === 'POST' && anthropic[2] === '/cancel') return { provider: 'anthropic', operation: 'batch-cancel', pathModel: decodeURIComponent(anthropic[1]!) };
    if (method === 'GET' && anthropic[2] === '/results') return { provider: 'anthropic', operation: 'batch-results', pathModel: decodeURIComponent(anthropic[1]!) };
    if (method === 'GET' && anthropic[1] && !anthropic[2]) return { provider: 'anthropic', operation: 'batch-retrieve', pathModel: decodeURIComponent(anthropic[1]) };
  }
  return undefined;
};

const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.floor(ms / 1000));

const json = (context: RequestContext, status: number, body: unknown): void => {
  context.entry.status = status;
  send(context.response, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
};

const notFound = (context: RequestContext, provider: 'openai' | 'anthropic', what: string): void =>
  provider === 'anthropic'
    ? json(context, 404, { type: 'error', error: { type: 'not_found_error', message: `${what} not found` } })
    : json(context, 404, { error: { message: `No such ${what}`, type: 'invalid_request_error', param: null, code: null } });

const badRequest = (context: RequestContext, provider: 'openai' | 'anthropic', message: string): void =>
  provider === 'anthropic'
    ? json(context, 400, { type: 'error', error: { type: 'invalid_request_error', message } })
    : json(context, 400, { error: { message, type: 'invalid_request_error', param: null, code: null } });

const counts = (batch: EmulatedBatch) => {
  const done = batch.items.filter((item) => item.result);
  return {
    succeeded: done.filter((item) => item.result!.status === 200).length,
    errored: done.filter((item) => item.result!.status !== 200).length,
    pending: batch.items.length - done.length,
  };
};

const openAiBatchObject = (batch: EmulatedBatch) => {
  const { succeeded, errored } = counts(batch);
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    errors: null,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId ?? null,
    error_file_id: batch.errorFileId ?? null,
    created_at: seconds(batch.createdAt),
    in_progress_at: seconds(batch.createdAt),
    expires_at: seconds(batch.createdAt + 24 * 3600_000),
    finalizing_at: null,
    completed_at: batch.status === 'completed' ? seconds(batch.endedAt) : null,
    failed_at: null,
    expired_at: null,
    cancelling_at: seconds(batch.cancelledAt),
    cancelled_at: batch.status === 'cancelled' ? seconds(batch.endedAt) : null,
    request_counts: { total: batch.items.length, completed: succeeded, failed: errored },
    metadata: batch.metadata ?? null,
  };
};

const anthropicBatchObject = (batch: EmulatedBatch, baseUrl: string) => {
  const { succeeded, errored, pending } = counts(batch);
  const ended = batch.status === 'completed' || batch.status === 'cancelled';
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: ended ? 'ended' : batch.status === 'cancelling' ? 'canceling' : 'in_progress',
    request_counts: {
      processing: ended ? 0 : pending,
      succeeded,
      errored,
      canceled: ended ? pending : 0,
      expired: 0,
    },
    ended_at: ended ? new Date(batch.endedAt!).toISOString() : null,
    created_at: new Date(batch.createdAt).toISOString(),
    expires_at: new Date(batch.createdAt + 24 * 3600_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: batch.cancelledAt ? new Date(batch.cancelledAt).toISOString() : null,
    results_url: ended ? `${baseUrl}/v1/messages/batches/${batch.id}/results` : null,
  };
};

/** One batch line through this host's own chat endpoint. */
const callChat = (batch: EmulatedBatch, customId: string, body: unknown): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve) => {
    const payload = Buffer.from(JSON.stringify(body));
    const path = batch.provider === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': payload.length,
      [BATCH_ITEM_HEADER]: batch.id,
      // The custom id as the attempt id, so the log matches a batch line to its caller's attempt.
      'x-eaio-attempt-id': customId,
      ...(batch.provider === 'anthropic'
        ? { 'anthropic-version': '2023-06-01', ...(batch.apiKey ? { 'x-api-key': batch.apiKey } : {}) }
        : batch.apiKey
          ? { authorization: `Bearer ${batch.apiKey}` }
          : {}),
    };
    const outgoing = httpRequest({ host: '127.0.0.1', port: batch.port, method: 'POST', path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* malformed answers stay text */
        }
        resolve({ status: response.statusCode ?? 500, body: parsed });
      });
      response.on('error', (error) => resolve({ status: 500, body: { error: { message: error.message } } }));
    });
    outgoing.on('error', (error) => resolve({ status: 500, body: { error: { message: `batch item failed: ${error.message}` } } }));
    outgoing.end(payload);
  });

const requestId = (): string => randomBytes(12).toString('hex');

/** Writes the OpenAI output and error files of a finished (or cancelled) batch. */
const writeOpenAiFiles = (memory: BatchMemory, batch: EmulatedBatch): void => {
  const ok = batch.items.filter((item) => item.result?.status === 200);
  const failed = batch.items.filter((item) => item.result && item.result.status !== 200);
  const line = (item: BatchItem) =>
    JSON.stringify({
      id: `batch_req_${requestId()}`,
      custom_id: item.customId,
      response: { status_code: item.result!.status, request_id: `req_${requestId()}`, body: item.result!.body },
      error: null,
    });
  const store = (items: BatchItem[]): string | undefined => {
    if (items.length === 0) return undefined;
    const id = `file-${requestId()}`;
    memory.files.set(id, { id, purpose: 'batch_output', filename: `${batch.id}_output.jsonl`, bytes: Buffer.from(items.map(line).join('\n') + '\n'), createdAt: Date.now() });
    return id;
  };
  batch.outputFileId = store(ok);
  batch.errorFileId = store(failed);
};

const processBatch = async (memory: BatchMemory, batch: EmulatedBatch): Promise<void> => {
  const queue = [...batch.items];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (batch.status !== 'in_progress') return;
      item.result = await callChat(batch, item.customId, item.body);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (batch.status !== 'in_progress') return; // cancelled meanwhile: `cancel` ended it
  batch.status = 'completed';
  batch.endedAt = Date.now();
  if (batch.provider === 'openai') writeOpenAiFiles(memory, batch);
};

const schedule = (state: EmulatorState, batch: EmulatedBatch): void => {
  batch.timer = setTimeout(() => void processBatch(state.batches, batch), Math.max(0, state.config.batchDelayMs));
  batch.timer.unref();
};

/** The first `file` part of a multipart body, and the form's other fields. */
const readMultipart = async (context: RequestContext, raw: Buffer): Promise<{ file?: { name: string; bytes: Buffer }; fields: Record<string, string> } | undefined> => {
  const type = context.request.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('multipart/form-data')) return undefined;
  const form = await new Request('http://emulator.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Buffer } | undefined;
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields[key] = value;
    else if (key === 'file') file = { name: value.name, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return { file, fields };
};

const baseUrlOf = (context: RequestContext): string => `http://127.0.0.1:${context.request.socket.localPort}`;

/** Handles the batch and file operations (see `matchBatchRoute`). */
export const handleBatch = async (context: RequestContext, route: Route, raw: Buffer, apiKey: string | undefined): Promise<void> => {
  const memory = context.state.batches;
  const provider = route.provider as 'openai' | 'anthropic';
  const id = route.pathModel ?? '';
  switch (route.operation) {
    case 'file-upload': {
      const form = await readMultipart(context, raw);
      if (!form?.file) return badRequest(context, 'openai', "multipart/form-data with a 'file' part is required");
      const file: EmulatedFile = { id: `file-${requestId()}`, purpose: form.fields.purpose ?? 'batch', filename: form.file.name, bytes: form.file.bytes, createdAt: Date.now() };
      memory.files.set(file.id, file);
      return json(context, 200, {
        id: file.id,
        object: 'file',
        bytes: file.bytes.length,
        created_at: seconds(file.createdAt),
        filename: file.filename,
        purpose: file.purpose,
        status: 'processed',
        expires_at: null,
        status_details: null,
      });
    }
    case 'file-retrieve': {
      const file = memory.files.get(id);
      if (!file) return notFound(context, 'openai', `file ${id}`);
      return json(context, 200, {
        id: file.id,
        object: 'file',
        bytes: file.bytes.length,
        created_at: seconds(file.createdAt),
        filename: file.filename,
        purpose: file.purpose,
        status: 'processed',
      });
    }
    case 'file-content': {
      const file = memory.files.get(id);
      if (!file) return notFound(context, 'openai', `file ${id}`);
      context.entry.status = 200;
      send(context.response, { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: file.bytes.toString('utf8') });
      return;
    }
    case 'batch-create': {
      const body = context.body as Record<string, unknown> | undefined;
      if (!context.bodyIsJson || typeof body !== 'object' || body === null) return badRequest(context, provider, 'request body must be a JSON object');
      const batch: EmulatedBatch = {
        id: provider === 'openai' ? `batch_${requestId()}` : `msgbatch_${requestId()}`,
        provider,
        host: context.host.name,
        port: context.request.socket.localPort ?? 0,
        apiKey,
        items: [],
        createdAt: Date.now(),
        status: 'in_progress',
      };
      if (provider === 'openai') {
        const file = memory.files.get(String(body.input_file_id));
        if (!file) return notFound(context, 'openai', `file ${String(body.input_file_id)}`);
        if (body.endpoint !== '/v1/chat/completions') return badRequest(context, 'openai', `endpoint ${String(body.endpoint)} is not emulated; use /v1/chat/completions`);
        const lines = file.bytes
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== '');
        for (const [index, line] of lines.entries()) {
          let parsed: { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
          try {
            parsed = JSON.parse(line) as typeof parsed;
          } catch {
            return badRequest(context, 'openai', `input file line ${index + 1} is not JSON`);
          }
          if (typeof parsed.custom_id !== 'string' || parsed.url !== '/v1/chat/completions' || typeof parsed.body !== 'object') {
            return badRequest(context, 'openai', `input file line ${index + 1} needs custom_id, method POST, url /v1/chat/completions and a body`);
          }
          batch.items.push({ customId: parsed.custom_id, body: parsed.body });
        }
        batch.inputFileId = file.id;
        batch.endpoint = body.endpoint;
        batch.completionWindow = typeof body.completion_window === 'string' ? body.completion_window : '24h';
        batch.metadata = body.metadata;
      } else {
        if (!Array.isArray(body.requests) || body.requests.length === 0) return badRequest(context, 'anthropic', 'requests: a non-empty array is required');
        for (const [index, request] of (body.requests as { custom_id?: unknown; params?: unknown }[]).entries()) {
          if (typeof request?.custom_id !== 'string' || typeof request.params !== 'object')
            return badRequest(context, 'anthropic', `requests.${index}: custom_id and params are required`);
          batch.items.push({ customId: request.custom_id, body: request.params });
        }
      }
      const ids = new Set(batch.items.map((item) => item.customId));
      if (ids.size !== batch.items.length) return badRequest(context, provider, 'custom_id values must be unique within a batch');
      memory.batches.set(batch.id, batch);
      context.entry.model = String((batch.items[0]?.body as { model?: unknown } | undefined)?.model ?? '');
      schedule(context.state, batch);
      return json(context, 200, provider === 'openai' ? openAiBatchObject(batch) : anthropicBatchObject(batch, baseUrlOf(context)));
    }
    case 'batch-retrieve':
    case 'batch-cancel': {
      const batch = memory.batches.get(id);
      if (!batch || batch.provider !== provider) return notFound(context, provider, `batch ${id}`);
      if (route.operation === 'batch-cancel' && batch.status === 'in_progress') {
        // Requests already answered stay in the results; the rest are cancelled.
        if (batch.timer) clearTimeout(batch.timer);
        batch.cancelledAt = Date.now();
        batch.status = 'cancelled';
        batch.endedAt = Date.now();
        if (batch.provider === 'openai') writeOpenAiFiles(memory, batch);
      }
      return json(context, 200, provider === 'openai' ? openAiBatchObject(batch) : anthropicBatchObject(batch, baseUrlOf(context)));
    }
    case 'batch-results': {
      const batch = memory.batches.get(id);
      if (batch?.provider !== 'anthropic') return notFound(context, 'anthropic', `batch ${id}`);
      if (batch.status !== 'completed' && batch.status !== 'cancelled') return badRequest(context, 'anthropic', `batch ${id} has not ended`);
      const lines = batch.items.map((item) =>
        JSON.stringify({
          custom_id: item.customId,
          result: !item.result
            ? { type: 'canceled' }
            : item.result.status === 200
              ? { type: 'succeeded', message: item.result.body }
              : { type: 'errored', error: item.result.body },
        }),
      );
      context.entry.status = 200;
      send(context.response, { status: 200, headers: { 'content-type': 'application/binary' }, body: lines.join('\n') + '\n' });
      return;
    }
    default:
      return notFound(context, provider, route.operation);
  }
};
