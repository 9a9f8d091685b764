import { Redis } from 'ioredis';
import pg from 'pg';

/** The services a command needs, as the user configured them. */
export type ServiceName = 'Redis' | 'PostgreSQL';

/** Socket-level failures that mean "nothing answers there". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

const HINTS: Record<ServiceName, string> = {
  Redis: 'start it (docker-compose up -d redis, or redis-server) or set REDIS_URL (unset = queues on PostgreSQL)',
  PostgreSQL: 'start it (docker-compose up -d timescaledb, or your PostgreSQL service) or set DATABASE_URL (unset = embedded PostgreSQL)',
};

/**
 * A service a command needs does not answer. The message is one line naming where it was
 * looked for, why it failed and what to do; the URL's password never appears in it.
 */
export class ServiceUnreachableError extends Error {
  private readonly marker = 'eaio.ServiceUnreachableError';
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${service} at ${address} is unreachable (${reason}); ${HINTS[service]}`, options);
    this.name = 'ServiceUnreachableError';
  }
  static isInstance(error: unknown): error is ServiceUnreachableError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'eaio.ServiceUnreachableError';
  }
}

/** `host:port` of a connection URL (no user, no password). */
export const addressOf = (url: string, defaultPort: number): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || '127.0.0.1'}:${parsed.port || defaultPort}`;
  } catch {
    return '(unparsable URL)';
  }
};

/** The error code of a socket failure, looking through `cause` and `AggregateError`s (Node tries IPv4 and IPv6). */
const socketCode = (error: unknown, depth = 0): string | undefined => {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = socketCode(inner, depth + 1);
    if (found) return found;
  }
  return socketCode((error as { cause?: unknown }).cause, depth + 1);
};

const isTimeout = (error: unknown): boolean => error instanceof Error && /timeout|timed out/i.test(error.message);

/** Connects once (no retries) and runs `SELECT 1`. */
export const checkPostgres = async (url: string, timeoutMs = 5_000): Promise<void> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const code = socketCode(error) ?? (isTimeout(error) ? `no answer within ${timeoutMs} ms` : undefined);
    if (code) throw new ServiceUnreachableError('PostgreSQL', addressOf(url, 5432), code, { cause: error });
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Connects once (no retries, no offline queue) and sends `PING`. */
export const checkRedis = async (url: string, timeoutMs = 5_000): Promise<void> => {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let failure: unknown;
  redis.on('error', (error) => {
    failure ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const cause = failure ?? error;
    const code = socketCode(cause) ?? socketCode(error) ?? (isTimeout(cause) ? `no answer within ${timeoutMs} ms` : undefined);
    if (code) throw new ServiceUnreachableError('Redis', addressOf(url, 6379), code, { cause });
    throw error;
  } finally {
    redis.disconnect();
  }
};

/**
 * One line for a connection failure that surfaced after start-up (a service went away
 * mid-command): which service, where, why, what to do. `undefined` when `error` is not a
 * socket failure towards one of the configured services.
 */
export const explainConnectionError = (error: unknown, services: { redisUrl?: string; databaseUrl?: string }): string | undefined => {
  if (ServiceUnreachableError.isInstance(error)) return error.message;
  const code = socketCode(error);
  if (!code) return undefined;
  const port = String((error as { port?: unknown }).port ?? '');
  const candidates: [ServiceName, string | undefined, number][] = [
    ['Redis', services.redisUrl, 6379],
    ['PostgreSQL', services.databaseUrl, 5432],
  ];
  for (const [service, url, defaultPort] of candidates) {
    if (!url) continue;
    const address = addressOf(url, defaultPort);
    if (port && address.endsWith(`:${port}`)) return new ServiceUnreachableError(service, address, code).message;
  }
  return undefined;
};
