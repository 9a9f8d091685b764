/**
 * The pure arithmetic of the shared provider guard: circuit breakers per endpoint and per
 * endpoint+model, a provider-wide pause after a 429, and sliding-window request/token
 * limits per provider. One JSON document per provider holds all of it; the stores
 * (`redis-provider-guard.ts`, `postgres-provider-guard.ts`) run these functions under a
 * lock shared by every worker process, with `now` read from the store's clock.
 */

export type BreakerStateName = 'closed' | 'open' | 'half-open';

export interface BreakerRecord {
  state: BreakerStateName;
  /** Epoch ms of counted failures inside the window (oldest first). */
  failures: number[];
  /** While `open`: when the cool-down ends and one probe may go. */
  openUntil?: number;
  /** While `half-open`: the probe's slot is held until it reports, or until this time. */
  probeUntil?: number;
  openedAt?: number;
  /** Times this breaker opened. */
  opens: number;
  lastError?: string;
}

export interface PauseRecord {
  /** No call to the provider before this (its 429's retry-after, held to the cap). */
  until: number;
  reason: string;
  /** How long the pause was; jobs that find its probe out look again after this much. */
  lengthMs?: number;
  /** After `until`, one call probes; the others wait until it reports or this time. */
  probeUntil?: number;
}

/** Requests and tokens admitted in one slice of the window: [slice start ms, requests, tokens]. */
export type WindowSlice = [number, number, number];

export interface ProviderGuardState {
  breakers: Record<string, BreakerRecord>;
  pause?: PauseRecord;
  window: WindowSlice[];
}

export interface BreakerPolicy {
  /** Counted failures within `windowMs` that open a breaker. */
  failureThreshold: number;
  windowMs: number;
  /** How long a breaker stays open before one probe may go. */
  coolDownMs: number;
  /** How long a probe (breaker or pause) holds its slot when it never reports (a dead worker). */
  probeTimeoutMs: number;
}

export interface RateLimitPolicy {
  /** Length of the sliding window the limits count over (60 000 = per minute). */
  windowMs: number;
  /**
   * Added to the window when counting: a request admitted now reaches the provider a moment
   * later, so counting over a slightly longer window keeps every window *at the provider*
   * within the limit.
   */
  marginMs: number;
  /** Requests per window; `undefined` = none. */
  requests?: number;
  /** Tokens per window; `undefined` = none. */
  tokens?: number;
}

export interface AdmitRequest {
  /** Breaker keys, endpoint first (`openai`, `openai/gpt-6-luna`). */
  breakerKeys: string[];
  /** Tokens the call may use (estimate; corrected by `adjustTokens`). */
  tokens: number;
  limit?: RateLimitPolicy;
  probeTimeoutMs: number;
}

export type AdmitResult =
  | { ok: true; probe: string[]; slice: number }
  | { ok: false; cause: 'breaker-open' | 'probe-in-flight' | 'paused' | 'rate-limit'; retryAt: number; reason: string };

export type FailureEffect = 'count' | 'open';

export const emptyState = (): ProviderGuardState => ({ breakers: {}, window: [] });

const breakerOf = (state: ProviderGuardState, key: string): BreakerRecord => (state.breakers[key] ??= { state: 'closed', failures: [], opens: 0 });

/** Slice length: 1/60 of the window (1 s for a minute), at least 10 ms. */
const sliceMs = (limit: RateLimitPolicy): number => Math.max(10, Math.floor(limit.windowMs / 60));

/**
 * May a call go now? Refuses while a breaker is open (cool-down not over) or its probe is
 * out, while the provider is paused (or its pause probe is out), or when the window holds
 * the limit. Admitting takes the probe of every breaker whose cool-down is over and of an
 * expired pause, and counts the request and its tokens in the window.
 */
export const admit = (state: ProviderGuardState, now: number, request: AdmitRequest): AdmitResult => {
  const probes: string[] = [];
  for (const key of request.breakerKeys) {
    const breaker = state.breakers[key];
    if (!breaker || breaker.state === 'closed') continue;
    if (breaker.state === 'open' && now < (breaker.openUntil ?? 0)) {
      return { ok: false, cause: 'breaker-open', retryAt: breaker.openUntil ?? now, reason: `circuit breaker ${key} open${breaker.lastError ? ` (${breaker.lastError})` : ''}` };
    }
    if (breaker.state === 'half-open' && now < (breaker.probeUntil ?? 0)) {
      return { ok: false, cause: 'probe-in-flight', retryAt: breaker.probeUntil ?? now, reason: `circuit breaker ${key} half-open: its probe call is out` };
    }
    probes.push(key);
  }
  let pauseProbe = false;
  if (state.pause) {
    if (now < state.pause.until) return { ok: false, cause: 'paused', retryAt: state.pause.until, reason: `paused: ${state.pause.reason}` };
    if (now < (state.pause.probeUntil ?? 0)) {
      const again = Math.min(state.pause.probeUntil!, now + Math.max(100, state.pause.lengthMs ?? 1_000));
      return { ok: false, cause: 'paused', retryAt: again, reason: `paused: ${state.pause.reason}; one probe call is out` };
    }
    pauseProbe = true;
  }
  let slice = now;
  if (request.limit) {
    const limit = request.limit;
    const size = sliceMs(limit);
    slice = Math.floor(now / size) * size;
    // Slices that may hold a request admitted within windowMs + marginMs of now (whole slices: conservative).
    const horizon = now - limit.windowMs - limit.marginMs;
    state.window = state.window.filter(([start]) => start + size > horizon);
    const requests = state.window.reduce((sum, [, count]) => sum + count, 0);
    const tokens = state.window.reduce((sum, [, , used]) => sum + used, 0);
    const freeAt = () => (state.window[0]?.[0] ?? now) + size + limit.windowMs + limit.marginMs;
    if (limit.requests !== undefined && requests + 1 > limit.requests) {
      return { ok: false, cause: 'rate-limit', retryAt: freeAt(), reason: `${requests} requests in the last ${limit.windowMs / 1000} s (limit ${limit.requests})` };
    }
    // A call bigger than the whole limit still goes when the window is empty (it would never fit).
    if (limit.tokens !== undefined && tokens > 0 && tokens + request.tokens > limit.tokens) {
      return { ok: false, cause: 'rate-limit', retryAt: freeAt(), reason: `${tokens} tokens in the last ${limit.windowMs / 1000} s (limit ${limit.tokens})` };
    }
    const last = state.window[state.window.length - 1];
    if (last && last[0] === slice) {
      last[1] += 1;
      last[2] += request.tokens;
    } else {
      state.window.push([slice, 1, request.tokens]);
    }
  }
  for (const key of probes) {
    const breaker = breakerOf(state, key);
    breaker.state = 'half-open';
    breaker.probeUntil = now + request.probeTimeoutMs;
  }
  if (pauseProbe && state.pause) state.pause.probeUntil = now + request.probeTimeoutMs;
  return { ok: true, probe: pauseProbe ? [...probes, 'pause'] : probes, slice };
};

/** The endpoint answered (whatever the answer's quality): its breakers close, an expired pause ends. */
export const recordSuccess = (state: ProviderGuardState, now: number, breakerKeys: string[], probes: string[] = []): void => {
  for (const key of breakerKeys) {
    const breaker = state.breakers[key];
    if (!breaker) continue;
    // An open breaker admits nothing but its probe, so any other answer arriving now was sent
    // before it opened: it says nothing about the endpoint since (a 404 breaker stays open).
    if (breaker.state === 'open' && !probes.includes(key)) continue;
    breaker.state = 'closed';
    breaker.failures = [];
    breaker.openUntil = undefined;
    breaker.probeUntil = undefined;
  }
  if (state.pause && now >= state.pause.until) state.pause = undefined;
};

/**
 * A failure that counts against a breaker (`count`: 5xx, timeout, connection refused) or
 * opens it at once (`open`: 401/403 on the endpoint, 404 on endpoint+model). A half-open
 * breaker whose probe failed opens again. Returns whether the breaker is open now.
 */
export const recordFailure = (state: ProviderGuardState, now: number, key: string, effect: FailureEffect, message: string, policy: BreakerPolicy): boolean => {
  const breaker = breakerOf(state, key);
  breaker.lastError = message.slice(0, 200);
  breaker.failures = [...breaker.failures.filter((at) => at > now - policy.windowMs), now].slice(-Math.max(policy.failureThreshold, 1));
  const opens = effect === 'open' || breaker.state === 'half-open' || breaker.failures.length >= policy.failureThreshold;
  if (opens) {
    if (breaker.state !== 'open') {
      breaker.opens += 1;
      breaker.openedAt = now;
    }
    breaker.state = 'open';
    breaker.openUntil = now + policy.coolDownMs;
    breaker.probeUntil = undefined;
  }
  return breaker.state === 'open';
};

/** A 429: no call to the provider until `untilMs` (an earlier pause is never shortened). */
export const recordPause = (state: ProviderGuardState, now: number, untilMs: number, reason: string): void => {
  if (state.pause && state.pause.until >= untilMs) return;
  state.pause = { until: untilMs, reason: reason.slice(0, 200), lengthMs: untilMs - now };
};

/** An admitted call that was never sent (its reservation was refused, the worker is stopping): its probes and its place in the window are given back. */
export const releaseAdmission = (state: ProviderGuardState, breakerKeys: string[], probe: string[], slice: number, tokens: number, limited: boolean): void => {
  for (const key of breakerKeys) {
    const breaker = state.breakers[key];
    if (breaker?.state === 'half-open' && probe.includes(key)) breaker.probeUntil = undefined;
  }
  if (probe.includes('pause') && state.pause) state.pause.probeUntil = undefined;
  if (!limited) return;
  const entry = state.window.find(([start]) => start === slice);
  if (entry) {
    entry[1] = Math.max(0, entry[1] - 1);
    entry[2] = Math.max(0, entry[2] - tokens);
  }
};

/**
 * A call admitted a while ago is about to be sent: its place moves from its admission slice to
 * now, if the window (counted from now, without it) still has room; else it stays where it was
 * and the answer says when to try again. So every call is counted within `marginMs` of its sending.
 */
export const restamp = (
  state: ProviderGuardState,
  now: number,
  slice: number,
  tokens: number,
  limit: RateLimitPolicy,
): { ok: true; slice: number } | { ok: false; retryAt: number } => {
  const entry = state.window.find(([start]) => start === slice);
  if (entry) {
    entry[1] = Math.max(0, entry[1] - 1);
    entry[2] = Math.max(0, entry[2] - tokens);
  }
  const result = admit(state, now, { breakerKeys: [], tokens, limit, probeTimeoutMs: 0 });
  if (result.ok) return { ok: true, slice: result.slice };
  if (entry) {
    entry[1] += 1;
    entry[2] += tokens;
  } else {
    state.window.unshift([slice, 1, tokens]);
  }
  return { ok: false, retryAt: result.retryAt };
};

/** Corrects the tokens counted at admission (`slice`) by what the call really used. */
export const adjustTokens = (state: ProviderGuardState, slice: number, delta: number): void => {
  const entry = state.window.find(([start]) => start === slice);
  if (entry) entry[2] = Math.max(0, entry[2] + delta);
};

/** A breaker as shown by `eaio providers check`, `/metrics` and the board. */
export interface BreakerView {
  provider: string;
  key: string;
  state: BreakerStateName;
  /** Failures counted in the current window. */
  failures: number;
  opens: number;
  /** When an open breaker lets a probe through. */
  retryAt?: number;
  lastError?: string;
}

export interface PauseView {
  provider: string;
  until: number;
  reason: string;
}

/** What a stored document says now; an open breaker whose cool-down is over reads as half-open. */
export const viewOf = (provider: string, state: ProviderGuardState, now: number, windowMs: number): { breakers: BreakerView[]; pause?: PauseView; requestsInWindow: number } => ({
  breakers: Object.entries(state.breakers).map(([key, breaker]) => ({
    provider,
    key,
    state: breaker.state === 'open' && now >= (breaker.openUntil ?? 0) ? 'half-open' : breaker.state,
    failures: breaker.failures.filter((at) => at > now - windowMs).length,
    opens: breaker.opens,
    retryAt: breaker.state === 'open' ? breaker.openUntil : undefined,
    lastError: breaker.lastError,
  })),
  pause: state.pause && now < state.pause.until ? { provider, until: state.pause.until, reason: state.pause.reason } : undefined,
  requestsInWindow: state.window.reduce((sum, [, count]) => sum + count, 0),
});
