import { PRIVACY_LEVELS, TIERS, type Tier } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { escalate, type EscalationFailure } from './escalate';
import { makePolicy, seededRandom } from './policy-fixture';

const FULL: Tier[] = ['local-fast', 'local-quality', 'api'];
const gate: EscalationFailure = {
  kind: 'quality-gate',
  score: 0.52,
  threshold: 0.7,
  checks: { grounded: { score: 0.2, issues: ['cites 412 kWh not in data'] }, schema: { score: 1, issues: [] } },
};

describe('escalate', () => {
  it.each([
    ['quality gate on local-fast', FULL, 'local-fast', gate, 'local-quality'],
    ['quality gate on local-quality', FULL, 'local-quality', gate, 'api'],
    ['quality gate on api (last)', FULL, 'api', gate, 'review'],
    ['quality gate at the end of a local chain', ['local-fast', 'local-quality'], 'local-quality', gate, 'review'],
    ['non-retryable provider error', FULL, 'local-fast', { kind: 'provider-error', errorKind: 'model-not-found' }, 'local-quality'],
    ['retries exhausted', ['local-quality', 'api'], 'local-quality', { kind: 'retries-exhausted', errorKind: 'timeout', attempts: 2 }, 'api'],
    ['no model', FULL, 'local-fast', { kind: 'no-model' }, 'local-quality'],
    ['budget on api', FULL, 'api', { kind: 'budget', message: 'daily cap' }, 'review'],
    ['context length skips to the bigger window', FULL, 'local-fast', { kind: 'context-length' }, 'local-quality'],
    ['context length needing more than local-quality holds', FULL, 'local-fast', { kind: 'context-length', requiredTokens: 50_000 }, 'api'],
    ['context length too big for everything', FULL, 'local-fast', { kind: 'context-length', requiredTokens: 500_000 }, 'review'],
    ['context length as provider error kind', FULL, 'local-quality', { kind: 'provider-error', errorKind: 'context-length' }, 'api'],
    ['current tier not in chain', ['local-fast'], 'api', gate, 'review'],
  ] as const)('%s → %s', (_label, chain, currentTier, failure, expected) => {
    const decision = escalate({ chain, currentTier, attempts: 1 }, failure as EscalationFailure, makePolicy());
    expect(decision.next).toBe(expected);
    expect(decision.reason.length).toBeGreaterThan(20);
  });

  it('context length skips a later tier whose window is not larger', () => {
    const policy = makePolicy({}, { 'local-fast': [8192], 'local-quality': [8192], api: [128000] });
    expect(escalate({ chain: FULL, currentTier: 'local-fast', attempts: 1 }, { kind: 'context-length' }, policy).next).toBe('api');
    const noBigger = makePolicy({}, { 'local-fast': [32768], 'local-quality': [8192] });
    expect(escalate({ chain: ['local-fast', 'local-quality'], currentTier: 'local-fast', attempts: 1 }, { kind: 'context-length' }, noBigger).next).toBe('review');
  });

  it('ignores disabled candidates when comparing context windows', () => {
    const policy = makePolicy();
    policy.tiers.api = {
      candidates: [
        { contextWindow: 1_000_000, enabled: false },
        { contextWindow: 16_000, enabled: true },
      ],
    };
    expect(escalate({ chain: FULL, currentTier: 'local-quality', attempts: 1 }, { kind: 'context-length' }, policy).next).toBe('review');
  });

  it('sends a job that used up its total attempts to review', () => {
    const decision = escalate({ chain: FULL, currentTier: 'local-fast', attempts: 4 }, gate, makePolicy({}, {}, 4));
    expect(decision.next).toBe('review');
    expect(decision.reason).toContain('4 attempts (limit 4)');
  });

  it('never hands a PRIVATE job to api, even from a chain that wrongly contains it', () => {
    const decision = escalate({ chain: FULL, currentTier: 'local-quality', attempts: 1, privacy: 'PRIVATE' }, gate, makePolicy());
    expect(decision.next).toBe('review');
  });

  it('explains the failure in its reason', () => {
    const decision = escalate({ chain: FULL, currentTier: 'local-fast', attempts: 1 }, gate, makePolicy());
    expect(decision.reason).toBe('the answer from local-fast scored 0.52 below the pass threshold 0.70 (failed: grounded), so it escalates to local-quality.');
    const listed = escalate({ chain: FULL, currentTier: 'local-fast', attempts: 1 }, { kind: 'quality-gate', score: 0.4, checks: ['schema', 'complete'] }, makePolicy());
    expect(listed.reason).toContain('(failed: schema, complete)');
  });
});

describe('escalate properties', () => {
  it('never leaves the chain, never repeats or goes down a tier, and never gives PRIVATE api', () => {
    const random = seededRandom(99);
    const failures: EscalationFailure[] = [
      gate,
      { kind: 'provider-error', errorKind: 'auth' },
      { kind: 'provider-error', errorKind: 'context-length' },
      { kind: 'retries-exhausted' },
      { kind: 'context-length', requiredTokens: 20_000 },
      { kind: 'context-length' },
      { kind: 'no-model' },
      { kind: 'budget' },
    ];
    for (let index = 0; index < 3000; index += 1) {
      const chain = TIERS.filter(() => random.next() < 0.7);
      const currentTier = random.pick(TIERS);
      const privacy = random.pick(PRIVACY_LEVELS);
      const windows = Object.fromEntries(TIERS.map((tier) => [tier, [1024 * (1 + random.integer(200))]]));
      const decision = escalate({ chain, currentTier, attempts: random.integer(12), privacy }, random.pick(failures), makePolicy({}, windows, 1 + random.integer(10)));
      if (decision.next === 'review') continue;
      expect(chain).toContain(decision.next);
      expect(TIERS.indexOf(decision.next)).toBeGreaterThan(TIERS.indexOf(currentTier));
      if (privacy === 'PRIVATE') expect(decision.next).not.toBe('api');
    }
  });
});
