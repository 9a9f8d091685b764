import { expect } from 'vitest';
import { describeEndToEnd } from './support/end-to-end-scenario';

/**
 * The same end to end on the embedded default that `npm start` uses with nothing
 * installed: no REDIS_URL (BullMQ on its PostgreSQL backend) and no DATABASE_URL (an
 * embedded PostgreSQL serves both the queues and the results). 10 PRIVATE + 10 ENHANCED.
 */
describeEndToEnd({
  title: 'end to end on the embedded default: embedded PostgreSQL for queues and results + emulator',
  queues: 'postgres',
  database: 'embedded',
  buildingsPerPrivacy: 10,
  minGateFailures: 2,
  checkRuntime: (pipeline) => {
    // Really the embedded default: no Redis, our own PostgreSQL.
    expect(pipeline.runtime.mode).toEqual({ queues: 'postgres', database: 'embedded' });
    expect(pipeline.config.connections.redisUrl).toBeUndefined();
  },
});
