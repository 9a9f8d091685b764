import { describeEndToEnd } from './support/end-to-end-scenario';

/**
 * The whole pipeline on real Redis and real Postgres against the provider emulator:
 * 60 real Cambridge buildings, 30 PRIVATE and 30 ENHANCED, triage + diagnostic each.
 */
describeEndToEnd({
  title: 'end to end: Redis + Postgres + emulator',
  queues: 'redis',
  database: 'fresh',
  buildingsPerPrivacy: 30,
  minGateFailures: 5,
});
