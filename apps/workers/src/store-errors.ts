import { isNotConnectionError } from 'bullmq';

/** Socket-level failures of a PostgreSQL or Redis connection (node `errno` codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that say the server cannot serve now, not that the statement is
 * wrong: class 08 (connection exception), admin/crash shutdown, cannot connect now, too
 * many connections, out of disk or memory.
 */
const SERVER_UNAVAILABLE = /^(08...|57P0[1-3]|53[0-3]00)$/;

/** Messages of `pg` and `ioredis` for a connection that broke or could not be made. */
const CONNECTION_MESSAGES = [
  'connection terminated',
  'timeout exceeded when trying to connect',
  'client has encountered a connection error',
  'connection is closed',
  "stream isn't writeable",
  'the database system is starting up',
  'the database system is shutting down',
  'terminating connection due to administrator command',
  'server closed the connection unexpectedly',
  'reached the max retries per request limit',
  'connect econnrefused',
];

/**
 * Whether an error means a store (PostgreSQL for jobs and spend, Redis or PostgreSQL for
 * the queues) is unreachable, rather than anything wrong with the job. Such errors must not
 * use up a job's attempts: the worker waits for the store and the job runs again. Looks
 * through `cause` chains (drizzle wraps driver errors) and `AggregateError`s (a refused
 * connection to every address of a host).
 */
export const isStoreUnavailableError = (error: unknown, depth = 0): boolean => {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_UNAVAILABLE.test(code))) return true;
  if (typeof message === 'string') {
    const lower = message.toLowerCase();
    if (CONNECTION_MESSAGES.some((text) => lower.includes(text))) return true;
    if (error instanceof Error && !isNotConnectionError(error)) return true;
  }
  if (Array.isArray(errors) && errors.some((inner) => isStoreUnavailableError(inner, depth + 1))) return true;
  return cause !== undefined && isStoreUnavailableError(cause, depth + 1);
};
