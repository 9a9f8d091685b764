import { Redis } from 'ioredis';
import { DEFAULT_LEASE_MS, type HostHealthBoard, type SharedHostHealth, type SlotLeaser, type SlotLeaserOptions } from './slot-leaser';

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

/** Refreshes `checkedAt` of a stored healthy record (the host just answered a call). */
const TOUCH = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if not record.ok or tonumber(record.checkedAt) >= tonumber(ARGV[1]) then return 0 end
record.checkedAt = tonumber(ARGV[1])
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1`;

/** Health records expire a day after their last write (hosts removed from the config vanish). */
const HEALTH_TTL_MS = 86_400_000;

const redisHealthBoard = (redis: Redis, prefix: string): HostHealthBoard => {
  const key = (host: string) => `${prefix}:host-health:${host}`;
  const claimKey = (host: string) => `${prefix}:host-health-claim:${host}`;
  return {
    async read(host) {
      const raw = await redis.get(key(host));
      if (!raw) return undefined;
      const record = JSON.parse(raw) as SharedHostHealth;
      // cjson writes an empty array as an empty object.
      return { ...record, models: Array.isArray(record.models) ? record.models : [] };
    },
    async write(host, health: SharedHostHealth) {
      await redis.set(key(host), JSON.stringify(health), 'PX', HEALTH_TTL_MS);
    },
    async touch(host, at) {
      await redis.eval(TOUCH, 1, key(host), Math.round(at));
    },
    async claim(host, forMs) {
      return (await redis.set(claimKey(host), '1', 'PX', Math.max(1, Math.round(forMs)), 'NX')) === 'OK';
    },
    async release(host) {
      await redis.del(claimKey(host));
    },
  };
};

export const createRedisSlotLeaser = (url: string, prefix: string, options: SlotLeaserOptions = {}): SlotLeaser => {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  // Failed commands reject to their callers (the local runner reports them); without a
  // listener ioredis would print every reconnect failure as an unhandled error event.
  redis.on('error', () => undefined);
  const key = (host: string) => `${prefix}:host-slots:${host}`;
  return {
    leaseMs,
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
    health: redisHealthBoard(redis, prefix),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
