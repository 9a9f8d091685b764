import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BATCH_ITEM_HEADER, handleBatch, matchBatchRoute } from './batch-handler';
import { handleCatalog } from './catalog-handler';
import { handleChat } from './chat-handler';
import { CONTROL_PREFIX, handleControl } from './control-plane';
import type { EmulatorState } from './emulator-state';
import { readRawBody, send } from './http-io';
import type { RequestContext } from './request-context';
import { apiKeyOf, matchRoute, providerForPath } from './routes';
import type { HostOptions, RequestLogEntry } from './types';
import { WIRE_FORMATS } from './wire';

/** The key every host refuses, so tests can provoke an auth error anywhere. */
export const BAD_API_KEY = 'bad-key';

export interface HostServer {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const keyRefused = (host: HostOptions, key: string | undefined): boolean => {
  if (key === BAD_API_KEY) return true;
  if (host.requireApiKey === true) return key === undefined || key === '';
  if (typeof host.requireApiKey === 'string') return key !== host.requireApiKey;
  return false;
};

const parseBody = (raw: string): { body: unknown; bodyIsJson: boolean } => {
  if (raw === '') return { body: undefined, bodyIsJson: false };
  try {
    return { body: JSON.parse(raw) as unknown, bodyIsJson: true };
  } catch {
    return { body: raw, bodyIsJson: false };
  }
};

const handle = async (host: HostOptions, state: EmulatorState, request: IncomingMessage, response: ServerResponse): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    await handleControl(state, request, response, url);
    return;
  }
  state.inFlight.countRequest(host.name);
  const method = request.method ?? 'GET';
  const route = matchRoute(method, url.pathname, request.headers) ?? matchBatchRoute(method, url.pathname);
  const batchItemOf = request.headers[BATCH_ITEM_HEADER];
  const rawBytes = await readRawBody(request);
  const raw = rawBytes.toString('utf8');
  const { body, bodyIsJson } = parseBody(raw);
  const provider = route?.provider ?? providerForPath(url.pathname, request.headers);
  const attemptHeader = request.headers['x-eaio-attempt-id'];
  const entry: RequestLogEntry = state.log.add({
    host: host.name,
    provider,
    // A line of a batch, answered by the host itself: never a client's chat call.
    operation: typeof batchItemOf === 'string' && route?.operation === 'chat' ? 'batch-item' : (route?.operation ?? 'chat'),
    ...(typeof batchItemOf === 'string' ? { batchId: batchItemOf } : {}),
    model: '',
    method,
    path: url.pathname,
    attemptId: typeof attemptHeader === 'string' ? attemptHeader : undefined,
    body: state.config.logBodies ? body : undefined,
    bodySha256: createHash('sha256').update(rawBytes).digest('hex'),
    bodyBytes: rawBytes.length,
    startedAt: Date.now(),
    status: 0,
    clientAborted: false,
    stream: false,
    injected: [],
    repeat: 0,
  });
  const abort = new AbortController();
  const closed = new Promise<void>((resolve) => {
    response.once('close', () => {
      entry.finishedAt = Date.now();
      if (!response.writableFinished) {
        entry.clientAborted = true;
        abort.abort();
      }
      resolve();
    });
  });
  const context: RequestContext = {
    host,
    state,
    request,
    response,
    signal: abort.signal,
    closed,
    entry,
    meta: { requestId: `req_${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000) },
    body,
    bodyIsJson,
  };
  const wire = WIRE_FORMATS[provider];
  if (!route) {
    const notFound = wire.renderError({ kind: 'route-not-found' }, context.meta);
    entry.status = notFound.status;
    send(response, notFound);
    return;
  }
  if (provider !== 'ollama' && keyRefused(host, apiKeyOf(request.headers, url.searchParams))) {
    const refused = wire.renderError({ kind: 'auth' }, context.meta);
    entry.status = refused.status;
    send(response, refused);
    return;
  }
  if (route.operation === 'chat') await handleChat(context, wire, route.pathModel, route.streamFromPath);
  else if (route.operation.startsWith('batch-') || route.operation.startsWith('file-')) await handleBatch(context, route, rawBytes, apiKeyOf(request.headers, url.searchParams));
  else handleCatalog(context, route);
};

/** One emulated host: an HTTP server on 127.0.0.1 that can be stopped and started again on its port. */
export const createHostServer = (host: HostOptions, state: EmulatorState): HostServer => {
  let server: Server | undefined;
  let port = host.port ?? 0;

  /** Settles when each open response has closed; `stop` waits for them so stats are final. */
  const openResponses = new Set<Promise<void>>();

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    openResponses.add(closed);
    void closed.then(() => openResponses.delete(closed));
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    handle(host, state, request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        send(response, {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: `emulator failure: ${error instanceof Error ? error.message : String(error)}` }),
        });
      } else {
        response.destroy();
      }
    });
  };

  return {
    name: host.name,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get running() {
      return server !== undefined;
    },
    async start() {
      if (server) return;
      const created = createServer({ keepAliveTimeout: 5_000 }, listener);
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, '127.0.0.1', () => {
          created.off('error', reject);
          resolve();
        });
      });
      port = (created.address() as AddressInfo).port;
      server = created;
    },
    async stop() {
      const current = server;
      if (!current) return;
      server = undefined;
      const closing = new Promise<void>((resolve) => current.close(() => resolve()));
      current.closeAllConnections();
      await Promise.all([closing, ...openResponses]);
      // Let the handlers of the closed responses run (in-flight counts, log entries).
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
};
