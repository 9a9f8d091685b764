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
      const result = await store.update(target.provider, (state, now) =>
        admit(state, now, { breakerKeys: breakerKeysOf(target), tokens, limit: limitOf(target.provider), probeTimeoutMs: options.breaker.probeTimeoutMs }),
      );
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
      await store.update(ticket.provider, (state, now) => {
        recordSuccess(state, now, breakerKeysOf(ticket), ticket.probe);
        if (usedTokens !== undefined && limitOf(ticket.provider)) adjustTokens(state, ticket.slice, usedTokens - ticket.tokens);
      });
    },
    async released(ticket) {
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
