import { describe, expect, it } from 'vitest';
import { admit, emptyState, recordFailure, recordPause, recordSuccess, releaseAdmission, restamp, viewOf, type BreakerPolicy } from './provider-guard-state';

const policy: BreakerPolicy = { failureThreshold: 3, windowMs: 10_000, coolDownMs: 5_000, probeTimeoutMs: 2_000 };
const keys = ['openai', 'openai/gpt'];
const ask = { breakerKeys: keys, tokens: 100, probeTimeoutMs: policy.probeTimeoutMs };

describe('provider guard state', () => {
  it('opens after N counted failures in the window, lets one probe through after the cool-down, closes on success', () => {
    const state = emptyState();
    expect(recordFailure(state, 0, 'openai/gpt', 'count', 'HTTP 503', policy)).toBe(false);
    expect(recordFailure(state, 20_000, 'openai/gpt', 'count', 'HTTP 503', policy)).toBe(false); // the first fell out of the window
    expect(recordFailure(state, 21_000, 'openai/gpt', 'count', 'HTTP 503', policy)).toBe(false);
    expect(recordFailure(state, 22_000, 'openai/gpt', 'count', 'HTTP 503', policy)).toBe(true);
    expect(admit(state, 23_000, ask)).toMatchObject({ ok: false, cause: 'breaker-open', retryAt: 27_000 });
    expect(admit(state, 27_000, ask)).toMatchObject({ ok: true, probe: ['openai/gpt'] });
    expect(admit(state, 27_500, ask)).toMatchObject({ ok: false, cause: 'probe-in-flight' });
    expect(viewOf('openai', state, 27_500, policy.windowMs).breakers.find((b) => b.key === 'openai/gpt')?.state).toBe('half-open');
    recordSuccess(state, 28_000, keys);
    expect(admit(state, 28_001, ask)).toMatchObject({ ok: true, probe: [] });
  });

  it('an answer to a call sent before the breaker opened does not close it', () => {
    const state = emptyState();
    expect(admit(state, 0, ask)).toMatchObject({ ok: true, probe: [] }); // sent while closed
    recordFailure(state, 100, 'openai/gpt', 'open', 'HTTP 404 model not found', policy);
    recordSuccess(state, 200, keys, []); // the earlier call answers late
    expect(admit(state, 300, ask)).toMatchObject({ ok: false, cause: 'breaker-open' });
    expect(viewOf('openai', state, 300, policy.windowMs).breakers.find((b) => b.key === 'openai/gpt')).toMatchObject({ state: 'open', opens: 1 });
  });

  it('a failed probe opens again; a probe that never reports frees its slot after the probe timeout', () => {
    const state = emptyState();
    recordFailure(state, 0, 'openai', 'open', 'HTTP 401', policy);
    expect(admit(state, 1_000, ask)).toMatchObject({ ok: false, cause: 'breaker-open' });
    expect(admit(state, 5_000, ask)).toMatchObject({ ok: true, probe: ['openai'] });
    expect(admit(state, 7_001, ask)).toMatchObject({ ok: true, probe: ['openai'] }); // the first probe's worker died
    expect(recordFailure(state, 7_500, 'openai', 'count', 'HTTP 401', policy)).toBe(true);
    expect(admit(state, 8_000, ask)).toMatchObject({ ok: false, cause: 'breaker-open', retryAt: 12_500 });
  });

  it('a 429 pauses the provider; after the pause one call probes, a success ends it', () => {
    const state = emptyState();
    recordPause(state, 0, 2_000, 'HTTP 429');
    recordPause(state, 0, 1_000, 'shorter ask'); // never shortened
    expect(admit(state, 1_500, ask)).toMatchObject({ ok: false, cause: 'paused', retryAt: 2_000 });
    expect(admit(state, 2_000, ask)).toMatchObject({ ok: true, probe: ['pause'] });
    expect(admit(state, 2_100, ask)).toMatchObject({ ok: false, cause: 'paused', retryAt: 4_000 }); // a look again after the pause's length
    recordSuccess(state, 2_200, keys);
    expect(admit(state, 2_300, ask)).toMatchObject({ ok: true, probe: [] });
  });

  it('no window of windowMs + margin holds more than the request limit; a released admission gives its place back', () => {
    const state = emptyState();
    const limit = { windowMs: 60_000, marginMs: 1_000, requests: 60 };
    const admitted: number[] = [];
    for (let now = 0; now < 300_000; now += 137) {
      const result = admit(state, now, { ...ask, limit });
      if (result.ok) admitted.push(now);
    }
    for (let index = 60; index < admitted.length; index += 1) expect(admitted[index] - admitted[index - 60]).toBeGreaterThan(61_000);
    expect(admitted.length).toBeGreaterThan(240); // ~60 per 62 s over 300 s
    const full = admit(state, 300_000, { ...ask, limit });
    expect(full.ok).toBe(false);
  });

  it('tokens per window: a call waits while the window holds the limit, a lone big call still goes', () => {
    const state = emptyState();
    const limit = { windowMs: 1_000, marginMs: 0, tokens: 150 };
    const first = admit(state, 0, { ...ask, tokens: 1_000, limit });
    expect(first.ok).toBe(true);
    expect(admit(state, 10, { ...ask, limit })).toMatchObject({ ok: false, cause: 'rate-limit' });
    if (first.ok) releaseAdmission(state, keys, first.probe, first.slice, 1_000, true);
    expect(admit(state, 20, { ...ask, limit }).ok).toBe(true);
  });

  it('a call sent late takes a fresh place in the window when there is room, else waits', () => {
    const limit = { windowMs: 1_000, marginMs: 100, requests: 1 };
    const state = emptyState();
    const late = admit(state, 0, { ...ask, limit });
    if (!late.ok) throw new Error('not admitted');
    expect(restamp(state, 500, late.slice, 100, limit)).toMatchObject({ ok: true, slice: 496 });
    expect(admit(state, 1_550, { ...ask, limit }).ok).toBe(false); // counted from 496 ms now, not from 0
    // Sent after its place fell out of the window, while another call holds the window: it waits.
    const other = emptyState();
    const stale = admit(other, 0, { ...ask, limit });
    if (!stale.ok) throw new Error('not admitted');
    expect(admit(other, 1_200, { ...ask, limit }).ok).toBe(true);
    expect(restamp(other, 1_300, stale.slice, 100, limit)).toMatchObject({ ok: false });
  });
});
