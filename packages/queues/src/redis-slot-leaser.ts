import { Redis } from 'ioredis';
import { DEFAULT_LEASE_MS, type SlotLease, type SlotLeaser, type SlotLeaserOptions } from './slot-leaser';

/** Sorted set per host: member = lease id, score = expiry (ms, Redis clock). */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if (not score) or tonumber(score) < now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1`;

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], now, '+inf')`;

export const createRedisSlotLeaser = (
  url: string,
  prefix: string,
  options: SlotLeaserOptions = {},
): SlotLeaser => {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  // Failed commands reject to their callers (the local runner reports them); without a
  // listener ioredis would print every reconnect failure as an unhandled error event.
  redis.on('error', () => undefined);
  const key = (host: string) => `${prefix}:host-slots:${host}`;
  return {
    async tryAcquire(host, cap, leaseId) {
      const ok = await redis.eval(ACQUIRE, 1, key(host), cap, leaseMs, leaseId);
      return ok === 1 ? { host, leaseId } : null;
    },
    async renew(lease) {
      return (await redis.eval(RENEW, 1, key(lease.host), leaseMs, lease.leaseId)) === 1;
    },
    async release(lease) {
      await redis.zrem(key(lease.host), lease.leaseId);
    },
    async held(host) {
      return Number(await redis.eval(COUNT, 1, key(host)));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
