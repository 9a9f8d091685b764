import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseGuardState, type GuardStateStore } from './provider-guard';

/** Writes the document and frees the lock, only while this caller still holds the lock. */
const WRITE_AND_UNLOCK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('DEL', KEYS[1])
return 1`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

export interface RedisGuardStoreOptions {
  /** Longest a lock holder may take before others may proceed, ms. @defaultValue 2000 */
  lockMs?: number;
  /**
   * A provider's document expires this long after its last change (breaker windows and
   * cool-downs are minutes; an idle namespace leaves nothing behind). @defaultValue 86400000 (a day)
   */
  ttlMs?: number;
}

/**
 * The provider guard's documents in Redis (one JSON string per provider, a set naming them),
 * for queues on Redis. A change takes a short lock (`SET NX PX`), reads the document with
 * Redis `TIME`, and writes it back only while it still holds the lock.
 */
export const createRedisGuardStore = (url: string, prefix: string, options: RedisGuardStoreOptions = {}): GuardStateStore => {
  const lockMs = options.lockMs ?? 2_000;
  const ttlMs = options.ttlMs ?? 86_400_000;
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  // Failed commands reject to their callers; without a listener ioredis prints every reconnect failure.
  redis.on('error', () => undefined);
  const documentKey = (provider: string) => `${prefix}:provider-guard:${provider}`;
  const lockKey = (provider: string) => `${prefix}:provider-guard-lock:${provider}`;
  const indexKey = `${prefix}:provider-guards`;
  const clock = (time: [string, string]) => Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  return {
    async update(provider, change) {
      const token = randomUUID();
      let wait = 1;
      while ((await redis.set(lockKey(provider), token, 'PX', lockMs, 'NX')) !== 'OK') {
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(20, wait * 2);
      }
      try {
        const [[, time], [, raw]] = (await redis.multi().time().get(documentKey(provider)).exec()) as [[null, [string, string]], [null, string | null]];
        const state = parseGuardState(raw);
        const result = change(state, clock(time));
        const written = await redis.eval(WRITE_AND_UNLOCK, 3, lockKey(provider), documentKey(provider), indexKey, token, JSON.stringify(state), provider, ttlMs);
        if (written !== 1) throw new Error(`provider guard: the lock on ${provider} expired before its change was written`);
        return result;
      } catch (error) {
        await redis.eval(UNLOCK, 1, lockKey(provider), token).catch(() => undefined);
        throw error;
      }
    },
    async read(provider) {
      const [[, time], [, raw]] = (await redis.multi().time().get(documentKey(provider)).exec()) as [[null, [string, string]], [null, string | null]];
      return { state: parseGuardState(raw), now: clock(time) };
    },
    async readAll() {
      const providers = (await redis.smembers(indexKey)).sort();
      if (providers.length === 0) return [];
      const [time, ...raws] = await Promise.all([redis.time(), ...providers.map((provider) => redis.get(documentKey(provider)))]);
      const now = clock(time as unknown as [string, string]);
      return providers.map((provider, index) => ({ provider, state: parseGuardState(raws[index]), now }));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
