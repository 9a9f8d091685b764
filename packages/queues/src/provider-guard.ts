import {
  admit,
  adjustTokens,
  emptyState,
  recordFailure,
  recordPause,
  recordSuccess,
  releaseAdmission,
  restamp,
  viewOf,
  type AdmitResult,
  type BreakerPolicy,
  type BreakerView,
  type FailureEffect,
  type PauseView,
  type ProviderGuardState,
  type RateLimitPolicy,
} from './provider-guard-state';

/**
 * Where the guard's per-provider documents live, shared by every worker process: Redis
 * when the queues run on Redis, PostgreSQL when they run there.
 */
export interface GuardStateStore {
  /**
   * Runs `change` on one provider's document under a lock every process respects; `now`
   * is the store's clock (Redis `TIME`, PostgreSQL `clock_timestamp()`), so hosts with
   * skewed clocks still agree.
   */
  update<T>(provider: string, change: (state: ProviderGuardState, now: number) => T): Promise<T>;
  /**
   * One provider's document and the store's clock, read without the lock (one round trip).
   * The guard uses it where a call leaves the document as it is (see `ProviderGuard.admit`).
   */
  read?(provider: string): Promise<{ state: ProviderGuardState; now: number }>;
  /** Every provider's document, as stored, with the store's clock. */
  readAll(): Promise<{ provider: string; state: ProviderGuardState; now: number }[]>;
  close(): Promise<void>;
}

export interface ProviderGuardOptions {
  breaker: BreakerPolicy;
  /** Request/token limits per provider name. @defaultValue `{}` */
  limits?: Record<string, { requestsPerMinute?: number; tokensPerMinute?: number }>;
  /** The "minute" the limits count over, ms (tests shorten it). @defaultValue `60000` */
  limitWindowMs?: number;
  /** See `RateLimitPolicy.marginMs`. @defaultValue `1000` */
  limitMarginMs?: number;
}

/** Where a call goes: the provider (rate limits, pauses) and its endpoint and model (breakers). */
export interface GuardTarget {
  provider: string;
  endpoint: string;
  model: string;
}

/** An admitted call: what its outcome is reported with. */
export interface GuardTicket extends GuardTarget {
  /** Window slice its tokens were counted in (moved by `beforeSend`). */
  slice: number;
  /** This process's clock at admission. */
  admittedAt?: number;
  tokens: number;
  /** Probes this call carries (breaker keys, `pause`). */
  probe: string[];
  /**
   * Admitted from a document that neither the admission nor a success of the call changes (no
   * breaker on its keys, no pause, no rate limit on its provider): `succeeded` and `released`
   * have nothing to write and send nothing.
   */
  quiet?: boolean;
}

export type GuardAdmission = ({ ok: true } & GuardTicket) | Extract<AdmitResult, { ok: false }>;

/** How a failed call affects the guard (see `guardEffectOf` in `@eaio/providers`). */
export type GuardFailure =
  | { effect: 'breaker'; scope: 'endpoint' | 'model'; open: boolean; message: string }
  | { effect: 'pause'; pauseMs: number; message: string }
  | { effect: 'none' };

export interface ProviderGuardSnapshot {
  breakers: BreakerView[];
  pauses: PauseView[];
  /** Requests counted in each limited provider's current window. */
  requestsInWindow: Record<string, number>;
}

/**
 * Circuit breakers, pauses and rate limits shared by every worker process. Each call
 * asks `admit` first, then reports `succeeded` or `failed`; nothing is kept in the process.
 *
 * Where the store can `read`, a call to a provider without rate limits is admitted from one
 * unlocked read when admitting it changes nothing (no probe to take, no pause to probe); the
 * locked read-change-write (three round trips on Redis, five statements on PostgreSQL, and a
 * wait for the lock while other processes hold it) runs only when something changes. A call
 * admitted from a quiet document (see `GuardTicket.quiet`) reports its success with nothing
 * sent: the only thing it could have undone is a failure another process counted after the
 * admission, which the next call, admitted from that failure, resets.
 */
export interface ProviderGuard {
  admit(target: GuardTarget, tokens: number): Promise<GuardAdmission>;
  /** The endpoint answered (any HTTP success, any error that is the request's own fault); `usedTokens` corrects the window. */
  succeeded(ticket: GuardTicket, usedTokens?: number): Promise<void>;
  /**
   * Just before sending a call admitted more than half the margin ago: its place in the rate-limit
   * window moves to now, waiting (abortable) while the window is full. No-op for unlimited providers.
   */
  beforeSend(ticket: GuardTicket, signal?: AbortSignal): Promise<void>;
  /** The admitted call was never sent: its probes and its place in the window go back. */
  released(ticket: GuardTicket): Promise<void>;
  /** Returns whether the breaker the failure counted against is open now. */
  failed(ticket: GuardTicket, failure: GuardFailure): Promise<{ open: boolean }>;
  snapshot(): Promise<ProviderGuardSnapshot>;
  close(): Promise<void>;
}

export const breakerKeysOf = (target: Pick<GuardTarget, 'endpoint' | 'model'>): string[] => [target.endpoint, `${target.endpoint}/${target.model}`];

export const createProviderGuard = (store: GuardStateStore, options: ProviderGuardOptions): ProviderGuard => {
  const windowMs = options.limitWindowMs ?? 60_000;
  const marginMs = options.limitMarginMs ?? 1_000;
  const limitOf = (provider: string): RateLimitPolicy | undefined => {
    const limit = options.limits?.[provider];
    if (!limit || (limit.requestsPerMinute === undefined && limit.tokensPerMinute === undefined)) return undefined;
    return { windowMs, marginMs, requests: limit.requestsPerMinute, tokens: limit.tokensPerMinute };
  };
  return {
    async admit(target, tokens) {
      const limit = limitOf(target.provider);
      const request = { breakerKeys: breakerKeysOf(target), tokens, limit, probeTimeoutMs: options.breaker.probeTimeoutMs };
      if (store.read && !limit) {
        const { state, now } = await store.read(target.provider);
        const before = JSON.stringify(state);
        const result = admit(state, now, request);
        if (JSON.stringify(state) === before) {
          if (!result.ok) return result;
          recordSuccess(state, now, request.breakerKeys, result.probe);
          const quiet = JSON.stringify(state) === before;
          return { ok: true, ...target, slice: result.slice, tokens, probe: result.probe, admittedAt: Date.now(), ...(quiet ? { quiet } : {}) };
        }
        // Admitting it changes the document (a probe, a pause probe): under the lock.
      }
      const result = await store.update(target.provider, (state, now) => admit(state, now, request));
      return result.ok ? { ok: true, ...target, slice: result.slice, tokens, probe: result.probe, admittedAt: Date.now() } : result;
    },
    async beforeSend(ticket, signal) {
      const limit = limitOf(ticket.provider);
      if (!limit || Date.now() - (ticket.admittedAt ?? 0) <= marginMs / 2) return;
      for (;;) {
        const moved = await store.update(ticket.provider, (state, now) => restamp(state, now, ticket.slice, ticket.tokens, limit));
        if (moved.ok) {
          ticket.slice = moved.slice;
          ticket.admittedAt = Date.now();
          return;
        }
        signal?.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(1_000, moved.retryAt - Date.now()))));
      }
    },
    async succeeded(ticket, usedTokens) {
      if (ticket.quiet) return;
      await store.update(ticket.provider, (state, now) => {
        recordSuccess(state, now, breakerKeysOf(ticket), ticket.probe);
        if (usedTokens !== undefined && limitOf(ticket.provider)) adjustTokens(state, ticket.slice, usedTokens - ticket.tokens);
      });
    },
    async released(ticket) {
      if (ticket.quiet) return;
      await store.update(ticket.provider, (state) =>
        releaseAdmission(state, breakerKeysOf(ticket), ticket.probe, ticket.slice, ticket.tokens, limitOf(ticket.provider) !== undefined),
      );
    },
    async failed(ticket, failure) {
      if (failure.effect === 'none') return { open: false };
      return store.update(ticket.provider, (state, now) => {
        if (failure.effect === 'pause') {
          recordPause(state, now, now + failure.pauseMs, failure.message);
          return { open: false };
        }
        const [endpointKey, modelKey] = breakerKeysOf(ticket);
        const key = failure.scope === 'endpoint' ? endpointKey : modelKey;
        const effect: FailureEffect = failure.open ? 'open' : 'count';
        // A failed probe of the other breaker (the endpoint's while the model's counted) re-opens it too.
        for (const other of [endpointKey, modelKey]) {
          if (other !== key && state.breakers[other]?.state === 'half-open') recordFailure(state, now, other, 'count', failure.message, options.breaker);
        }
        return { open: recordFailure(state, now, key, effect, failure.message, options.breaker) };
      });
    },
    async snapshot() {
      const documents = await store.readAll();
      const snapshot: ProviderGuardSnapshot = { breakers: [], pauses: [], requestsInWindow: {} };
      for (const { provider, state, now } of documents) {
        const view = viewOf(provider, state, now, options.breaker.windowMs);
        snapshot.breakers.push(...view.breakers);
        if (view.pause) snapshot.pauses.push(view.pause);
        if (limitOf(provider)) snapshot.requestsInWindow[provider] = view.requestsInWindow;
      }
      snapshot.breakers.sort((a, b) => a.key.localeCompare(b.key));
      return snapshot;
    },
    close: () => store.close(),
  };
};

/** Parses a stored document; anything unreadable starts empty. */
export const parseGuardState = (raw: unknown): ProviderGuardState => {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!value || typeof value !== 'object') return emptyState();
  const state = value as Partial<ProviderGuardState>;
  return { breakers: state.breakers ?? {}, pause: state.pause, window: state.window ?? [] };
};
