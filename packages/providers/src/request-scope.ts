import { createHash } from 'node:crypto';
import { EgressRecordError } from './egress-record-error';
import type { OutgoingRequest } from './types';

/**
 * One request's fetch: applies the timeout and the caller's signal to every fetch the
 * SDK makes (the `ollama` client cannot abort a request still waiting for headers on
 * its own), adds the endpoint's extra headers and `x-eaio-attempt-id`, and remembers
 * what happened (last response status and headers, network failure) so errors can be
 * classified the same way for every SDK.
 */

export const ATTEMPT_ID_HEADER = 'x-eaio-attempt-id';

export interface RequestScopeOptions {
  /** Abort after this long; `undefined` = no timeout. */
  timeoutMs?: number;
  /** Caller cancellation. */
  signal?: AbortSignal;
  /** Underlying fetch. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Headers added to every request (endpoint headers, attempt id). */
  headers?: Record<string, string | undefined>;
  /** Told about every request (body hash and size as sent) before it leaves; see `ChatRequest.beforeSend`. */
  beforeSend?: (request: OutgoingRequest) => Promise<void>;
}

export interface ResponseSnapshot {
  status: number;
  headers: Headers;
}

export interface RequestScope {
  /** Pass to the SDK as its `fetch`. */
  readonly fetch: typeof fetch;
  /** Aborts on timeout or caller abort; pass to the SDK as its `signal` too. */
  readonly signal: AbortSignal;
  timedOut(): boolean;
  callerAborted(): boolean;
  /** The last response whose headers arrived. */
  lastResponse(): ResponseSnapshot | undefined;
  /** The error the underlying fetch threw before any response (refused, reset, DNS). */
  networkError(): unknown;
  /** Set when `beforeSend` refused a request (it was not sent). */
  egressError(): EgressRecordError | undefined;
  /** Stops the timer; call once the request settled. */
  dispose(): void;
}

export const createRequestScope = (options: RequestScopeOptions): RequestScope => {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const timeoutController = new AbortController();
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => timeoutController.abort(new DOMException(`request timed out after ${options.timeoutMs} ms`, 'TimeoutError')), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeoutController.signal, options.signal]) : timeoutController.signal;
  let last: ResponseSnapshot | undefined;
  let failure: unknown;
  let egressFailure: EgressRecordError | undefined;

  const scopedFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }
    const requestSignal = init?.signal ? AbortSignal.any([signal, init.signal]) : signal;
    let sendInit: RequestInit = { ...init, headers, signal: requestSignal };
    if (options.beforeSend) {
      try {
        const body = await wireBody(input, init);
        // A stream or blob was read whole to hash it: send those very bytes.
        if (body !== undefined && isStreamed(init?.body)) sendInit = { ...sendInit, body };
        const bytes = body ?? new Uint8Array();
        await options.beforeSend({
          method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
          url: input instanceof Request ? input.url : String(input),
          bodySha256: createHash('sha256').update(bytes).digest('hex'),
          bodyBytes: bytes.byteLength,
        });
      } catch (error) {
        egressFailure = EgressRecordError.isInstance(error)
          ? error
          : new EgressRecordError(`request not sent: its egress record failed (${error instanceof Error ? error.message : String(error)})`, { cause: error });
        throw egressFailure;
      }
    }
    try {
      const response = await baseFetch(input, sendInit);
      last = { status: response.status, headers: response.headers };
      return response;
    } catch (error) {
      if (!requestSignal.aborted) failure = error;
      throw error;
    }
  };

  return {
    fetch: scopedFetch,
    signal,
    timedOut: () => timeoutController.signal.aborted,
    callerAborted: () => options.signal?.aborted === true,
    lastResponse: () => last,
    networkError: () => failure,
    egressError: () => egressFailure,
    dispose: () => clearTimeout(timer),
  };
};

const isStreamed = (body: RequestInit['body']): boolean =>
  body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body) && !(body instanceof URLSearchParams);

/**
 * The body bytes a request will carry, so that what is hashed is what is sent: strings are
 * UTF-8 encoded, byte views copied, streams and blobs read whole (and then sent as those
 * bytes). `undefined` for no body. Multipart forms are refused (their boundary is chosen
 * by fetch, so their bytes cannot be known before sending).
 */
const wireBody = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined): Promise<Uint8Array | undefined> => {
  const body = init?.body ?? (input instanceof Request && input.body !== null ? await input.clone().arrayBuffer() : undefined);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
  if (typeof FormData !== 'undefined' && body instanceof FormData) throw new Error('a multipart body cannot be hashed before it is sent');
  return new Uint8Array(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
};
