import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const EAIO_BIN = join(REPO_ROOT, 'bin', 'eaio.mjs');

/** A child `eaio` process whose output goes to a log file (and its tail stays in memory). */
export interface EaioProcess {
  readonly child: ChildProcess;
  readonly name: string;
  readonly logFile: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  tail(chars?: number): string;
  /** Exited without the harness stopping or killing it (a crash). */
  crashed(): boolean;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
}

/** Children still running when this process exits (a crash, Ctrl-C) are killed with it, never left behind. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export const runEaio = (options: { name: string; args: string[]; env: Record<string, string>; logDir: string; onOutput?: (text: string) => void }): EaioProcess => {
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // The scenario directory may be gone by the time a late line arrives.
  log.on('error', () => undefined);
  const child = spawn(process.execPath, [EAIO_BIN, ...options.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  let tail = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    log.write(text);
    tail = (tail + text).slice(-20_000);
    options.onOutput?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      log.end();
      resolve(code);
    }),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  let asked = false;
  return {
    child,
    name: options.name,
    logFile,
    exited,
    tail: (chars = 2_000) => tail.slice(-chars),
    crashed: () => gone() && !asked,
    async stop(graceMs = 15_000) {
      if (gone()) return;
      asked = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (gone()) return;
      asked = true;
      child.kill('SIGKILL');
      await exited;
    },
  };
};

let workersHelp: string | undefined;

/**
 * Extra `eaio workers` arguments this checkout needs to run several worker processes on one
 * machine: each its own /metrics port (`--metrics-port 0`) where the command serves one.
 */
export const workerHostArgs = (): string[] => {
  workersHelp ??= spawnSync(process.execPath, [EAIO_BIN, 'workers', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout ?? '';
  return workersHelp.includes('--metrics-port') ? ['--metrics-port', '0'] : [];
};

/** `eaio workers` that resolves `ready` once its start-up line ("workers running") is logged. */
export const startWorkers = (options: { name: string; args: string[]; env: Record<string, string>; logDir: string }) => {
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let seen = '';
  let isReady = false;
  const handle = runEaio({
    ...options,
    args: ['workers', '--no-reports', ...workerHostArgs(), ...options.args],
    onOutput: (text) => {
      seen = (seen + text).slice(-4_000);
      if (seen.includes('workers running')) {
        isReady = true;
        resolveReady();
      }
    },
  });
  const started = Promise.race([
    ready,
    handle.exited.then((code) => {
      throw new Error(`${options.name} exited (${code}) before it started:\n${handle.tail()}`);
    }),
  ]);
  started.catch(() => undefined);
  return Object.assign(handle, {
    ready: started,
    /** Logged its start-up line and has not exited. */
    live: () => isReady && handle.child.exitCode === null && handle.child.signalCode === null,
  });
};

export type WorkerProcess = ReturnType<typeof startWorkers>;

/** `eaio submit --jsonl …`; returns the batch id it printed. */
export const submitJsonl = async (options: { jsonl: string; name: string; env: Record<string, string>; logDir: string }): Promise<{ batchId: string; output: string }> => {
  const handle = runEaio({
    name: 'submit',
    args: ['submit', '--jsonl', options.jsonl, '--tenant', 'chaos', '--name', options.name, '--no-progress'],
    env: options.env,
    logDir: options.logDir,
  });
  const code = await handle.exited;
  const output = handle.tail(20_000);
  const match = /batch (batch_[0-9a-f]+):/.exec(output);
  if (code !== 0 || !match) throw new Error(`eaio submit failed (exit ${code}):\n${output.slice(-3_000)}`);
  return { batchId: match[1], output };
};
