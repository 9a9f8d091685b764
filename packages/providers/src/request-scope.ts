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
  /** Stops the timer; call once the request settled. */
  dispose(): void;
}

export const createRequestScope = (options: RequestScopeOptions): RequestScope => {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const timeoutController = new AbortController();
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => timeoutController.abort(new DOMException(`request timed out after ${options.timeoutMs} ms`, 'TimeoutError')),
          options.timeoutMs,
        );
  const signal = options.signal ? AbortSignal.any([timeoutController.signal, options.signal]) : timeoutController.signal;
  let last: ResponseSnapshot | undefined;
  let failure: unknown;

  const scopedFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }
    const requestSignal = init?.signal ? AbortSignal.any([signal, init.signal]) : signal;
    try {
      const response = await baseFetch(input, { ...init, headers, signal: requestSignal });
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
    dispose: () => clearTimeout(timer),
  };
};
