import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config/config-types';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** @defaultValue `'info'` */
  level?: LogLevel;
  /** Logger name (`name` field of every line), e.g. `workers`. */
  name: string;
  /** Where lines go. @defaultValue stdout */
  destination?: DestinationStream;
  /**
   * Known secret values (API keys, tokens; see `configSecrets()`) replaced wherever
   * they appear in a line, messages included. @defaultValue `[]`
   */
  secrets?: readonly string[];
}

const REDACTED = '[redacted]';

/**
 * Field names whose values are never logged: `apiKey`, `authorization`, `x-api-key`,
 * any camelCase `…Key`, `password`, `token`/`…Token`, `secret`, `cookie`.
 * (`inputTokens`, `maxTokens` and other plural counts stay visible.)
 */
export const isSecretFieldName = (name: string): boolean =>
  /Key$/.test(name) ||
  /^api[-_]?key$|[-_]key$/i.test(name) ||
  /^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(name) ||
  /password|passwd|secret/i.test(name) ||
  /token$/i.test(name);

/** Key-shaped strings scrubbed even when their field name looks harmless. */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI, DeepSeek, Anthropic (sk-ant-…)
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google
  /\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/gi,
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const createScrubber = (secrets: readonly string[]) => {
  const known = secrets.filter((secret) => secret.length >= 4).map((secret) => new RegExp(escapeRegExp(secret), 'g'));
  const scrubText = (text: string): string => [...known, ...KEY_PATTERNS].reduce((result, pattern) => result.replace(pattern, REDACTED), text);

  const scrub = (value: unknown, seen: WeakSet<object>, depth: number): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (typeof value !== 'object' || value === null || value instanceof Date) return value;
    if (seen.has(value) || depth > 10) return '[unlogged]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => scrub(item, seen, depth + 1));
    const entries: [string, unknown][] =
      value instanceof Error ? [['type', value.name], ['message', value.message], ['stack', value.stack], ...Object.entries(value)] : Object.entries(value);
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      result[key] = isSecretFieldName(key) && item !== undefined && item !== null ? REDACTED : scrub(item, seen, depth + 1);
    }
    return result;
  };
  return (value: unknown): unknown => scrub(value, new WeakSet(), 0);
};

/**
 * A pino logger that never writes secrets: values of secret-looking fields are
 * replaced at any depth (errors included), and known secret values or key-shaped
 * strings are replaced anywhere, the message included.
 */
export const createLogger = (options: CreateLoggerOptions): Logger => {
  const scrub = createScrubber(options.secrets ?? []);
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => scrub(arg)) as Parameters<typeof method>;
          return method.apply(this, cleaned);
        },
      },
      // Errors are already turned into plain, scrubbed objects by the hook.
      serializers: { err: (value: unknown) => value },
    },
    options.destination ?? pino.destination(1),
  );
  // Child bindings bypass logMethod: scrub them on the way in. Children inherit this
  // (pino creates them with Object.create), and `this` keeps grandchildren chained.
  const baseChild = logger.child;
  logger.child = function child(this: Logger, bindings, childOptions) {
    return baseChild.call(this, scrub(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
};
