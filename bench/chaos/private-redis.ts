import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * A redis-server of the harness's own, on its own port and data directory, so that a
 * scenario can SIGKILL it and start it again without touching the shared Redis on 6379.
 * With `aof`, every write is fsynced to the append-only file (`appendfsync always`), as a
 * production Redis for queues should run; without it nothing is persisted at all.
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: no shutdown save, no AOF rewrite; whatever was not on disk is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory (AOF replayed when on). */
  start(): Promise<void>;
  /** SHUTDOWN-like stop for cleanup (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

export const startPrivateRedis = async (options: { port: number; dir: string; aof: boolean }): Promise<PrivateRedis> => {
  const args = [
    '--port',
    String(options.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dir,
    '--save',
    '',
    '--appendonly',
    options.aof ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--logfile',
    join(options.dir, 'redis.log'),
    '--daemonize',
    'no',
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => {
      child!.once('error', reject);
      child!.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on start; see ${join(options.dir, 'redis.log')}`)));
    });
    const until = Date.now() + 15_000;
    const ready = (async () => {
      while (!(await ping(options.port))) {
        if (Date.now() > until) throw new Error(`redis-server on ${options.port} did not answer PING within 15 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.race([ready, failed]);
    failed.catch(() => undefined);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${options.port}`,
    port: options.port,
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    start,
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
};
