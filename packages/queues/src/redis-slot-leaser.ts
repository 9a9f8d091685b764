import { Redis } from 'ioredis';
import { DEFAULT_LEASE_MS, type HostHealthBoard, type SharedHostHealth, type SlotLeaser, type SlotLeaserOptions } from './slot-leaser';

/**
 * Per host: KEYS[1] the leases (sorted set: member = lease id, score = expiry, ms, Redis
 * clock); KEYS[2] the FIFO queue of waiters (score = ticket from KEYS[4]); KEYS[3] when each
 * waiter's place lapses. A slot is free for a caller when fewer waiters are ahead of it than
 * slots are free (a caller not queued has every waiter ahead). ARGV: cap, lease ms, lease id,
 * '1' to queue a refused caller, the channel that wakes waiters.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap, ttl, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, member in ipairs(lapsed) do redis.call('ZREM', KEYS[2], member) end
if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
if redis.call('ZSCORE', KEYS[1], id) then
  redis.call('ZADD', KEYS[1], now + ttl, id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  return 1
end
local free = cap - redis.call('ZCARD', KEYS[1])
local rank = redis.call('ZRANK', KEYS[2], id)
local ahead = rank or redis.call('ZCARD', KEYS[2])
if free > ahead then
  redis.call('ZADD', KEYS[1], now + ttl, id)
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  if rank then
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
  return 1
end
if ARGV[4] == '1' then
  if not rank then redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), id) end
  redis.call('ZADD', KEYS[3], now + ttl, id)
  for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ttl * 2) end
end
-- Waiters whose place lapsed were ahead of others: wake those.
if #lapsed > 0 and free > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PUBLISH', ARGV[5], '1') end
return 0`;

/** Gives a lease back; wakes the queued waiters, if any. KEYS: leases, waiters; ARGV: lease id, channel. */
const RELEASE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed == 1 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PUBLISH', ARGV[2], '1') end
return removed`;

/**
 * After a job: keeps (renews) the lease when no waiter is queued, else gives it back and wakes
 * the waiters. KEYS: leases, waiters, waiter expiries; ARGV: lease ms, lease id, channel.
 */
const KEEP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl, id = tonumber(ARGV[1]), ARGV[2]
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, member in ipairs(lapsed) do redis.call('ZREM', KEYS[2], member) end
if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
local score = redis.call('ZSCORE', KEYS[1], id)
if redis.call('ZCARD', KEYS[2]) == 0 then
  if (not score) or tonumber(score) < now then return 0 end
  redis.call('ZADD', KEYS[1], now + ttl, id)
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return 1
end
if score then redis.call('ZREM', KEYS[1], id) end
redis.call('PUBLISH', ARGV[3], '1')
return 0`;

/** Leaves the queue of waiters; the ones behind may now be first. KEYS: waiters, expiries; ARGV: lease id, channel. */
const LEAVE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if removed == 1 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PUBLISH', ARGV[2], '1') end
return removed`;

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
  const waitersKey = (host: string) => `${prefix}:host-slot-waiters:${host}`;
  const placesKey = (host: string) => `${prefix}:host-slot-waiter-expiry:${host}`;
  const ticketKey = (host: string) => `${prefix}:host-slot-ticket:${host}`;
  const channel = (host: string) => `${prefix}:host-slot-freed:${host}`;

  /** One subscriber connection per leaser (made on first wait), fanning out to the local waiters. */
  let subscriber: Redis | undefined;
  const listeners = new Map<string, Set<() => void>>();
  const subscribed = new Map<string, Promise<unknown>>();
  const subscriberConnection = (): Redis => {
    if (subscriber) return subscriber;
    subscriber = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (name: string) => {
      for (const listener of listeners.get(name) ?? []) listener();
    });
    return subscriber;
  };

  return {
    leaseMs,
    async tryAcquire(host, cap, leaseId, acquireOptions) {
      const ok = await redis.eval(
        ACQUIRE,
        4,
        key(host),
        waitersKey(host),
        placesKey(host),
        ticketKey(host),
        cap,
        leaseMs,
        leaseId,
        acquireOptions?.wait ? '1' : '0',
        channel(host),
      );
      return ok === 1 ? { host, leaseId } : null;
    },
    async leaveQueue(host, leaseId) {
      await redis.eval(LEAVE, 2, waitersKey(host), placesKey(host), leaseId, channel(host));
    },
    async onFreed(host, listener) {
      const name = channel(host);
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      if (!subscribed.has(name)) subscribed.set(name, subscriberConnection().subscribe(name));
      try {
        await subscribed.get(name);
      } catch (error) {
        subscribed.delete(name);
        set.delete(listener);
        throw error;
      }
      return () => {
        set.delete(listener);
      };
    },
    async waiters(host) {
      return redis.zrange(waitersKey(host), 0, -1);
    },
    async keepUnlessWaited(lease) {
      return (await redis.eval(KEEP, 3, key(lease.host), waitersKey(lease.host), placesKey(lease.host), leaseMs, lease.leaseId, channel(lease.host))) === 1;
    },
    async renew(lease) {
      return (await redis.eval(RENEW, 1, key(lease.host), leaseMs, lease.leaseId)) === 1;
    },
    async release(lease) {
      await redis.eval(RELEASE, 2, key(lease.host), waitersKey(lease.host), lease.leaseId, channel(lease.host));
    },
    async held(host) {
      return Number(await redis.eval(COUNT, 1, key(host)));
    },
    health: redisHealthBoard(redis, prefix),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      if (subscriber) await subscriber.quit().catch(() => subscriber?.disconnect());
    },
  };
};
