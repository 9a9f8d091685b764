import { Queue, Worker, createPostgresBackend, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';

/**
 * Where BullMQ keeps its queues. Redis is the production choice (about 4x faster
 * here); PostgreSQL, through BullMQ's own `createPostgresBackend`, lets the embedded
 * default run the whole pipeline on one database.
 */
export type QueueStoreOptions =
  | {
      kind: 'redis';
      /** redis://host:port/db */
      url: string;
      /**
       * Key prefix; tests use a fresh one per run.
       * @defaultValue 'eaio'
       */
      prefix?: string;
    }
  | {
      kind: 'postgres';
      /** postgres://… */
      url: string;
      /**
       * Schema that holds BullMQ's tables; tests use a fresh one per run.
       * @defaultValue 'eaio_queues'
       */
      schema?: string;
    };

/** Makes queues and workers on one store, with the options merged once. */
export interface QueueStore {
  readonly kind: 'redis' | 'postgres';
  /** A short label for logs, without credentials. */
  readonly label: string;
  createQueue<Data = unknown>(name: string, options?: Partial<QueueOptions>): Queue<Data>;
  createWorker<Data = unknown, Result = unknown>(name: string, processor: Processor<Data, Result> | null, options?: Partial<WorkerOptions>): Worker<Data, Result>;
}

const redisConnection = (url: string) => {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname && parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
};

/** Strips credentials from a connection URL for display. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
};

export const createQueueStore = (options: QueueStoreOptions): QueueStore => {
  if (options.kind === 'redis') {
    const connection = redisConnection(options.url);
    const prefix = options.prefix ?? 'eaio';
    return {
      kind: 'redis',
      label: `redis ${redactUrl(options.url)} prefix=${prefix}`,
      createQueue: <Data>(name: string, extra?: Partial<QueueOptions>) => new Queue(name, { connection, prefix, ...extra }) as unknown as Queue<Data>,
      createWorker: <Data, Result>(name: string, processor: Processor<Data, Result> | null, extra?: Partial<WorkerOptions>) =>
        new Worker(name, processor as never, { connection, prefix, autorun: false, ...extra }) as unknown as Worker<Data, Result>,
    };
  }
  const schema = options.schema ?? 'eaio_queues';
  // BullMQ creates and upgrades its own tables in the schema (`migrate: true`).
  const connection = { connectionString: options.url, schema, max: 10, migrate: true };
  return {
    kind: 'postgres',
    label: `postgres ${redactUrl(options.url)} schema=${schema}`,
    // BullMQ infers the Postgres backend in its generics; callers only use the shared Queue/Worker API.
    createQueue: <Data>(name: string, extra?: Partial<QueueOptions>) =>
      new Queue(name, { connection, ...(extra as object) } as never, createPostgresBackend) as unknown as Queue<Data>,
    createWorker: <Data, Result>(name: string, processor: Processor<Data, Result> | null, extra?: Partial<WorkerOptions>) =>
      new Worker(name, processor as never, { connection, autorun: false, ...(extra as object) } as never, createPostgresBackend) as unknown as Worker<Data, Result>,
  };
};
