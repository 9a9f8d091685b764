import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigOverrides } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { runSubmit } from '../../apps/producer/src/commands/submit-command';
import { openTestPipeline, type TestPipeline } from './pipeline-harness';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/**
 * A pipeline on Redis and a fresh database, in real time, whose local-fast model answers
 * every prompt well (the gate passes it) after `ttftMs`: long enough for a fault to land
 * while calls are in flight.
 */
export const openGroundedLocalPipeline = (options: { ttftMs: number; localHosts?: number; overrides?: ConfigOverrides }): Promise<TestPipeline> =>
  openTestPipeline({
    queues: 'redis',
    database: 'fresh',
    timeScale: 1,
    localHosts: options.localHosts,
    models: (config) => ({
      [config.tiers['local-fast'].candidates[0].model]: withBehaviour(PRESETS.instant, {
        ttftMs: options.ttftMs,
        answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 },
      }),
    }),
    overrides: options.overrides,
  });

/**
 * Writes `count` PRIVATE classification prompts (ids `<tag>-<i>`) to `<tag>.jsonl` in the
 * pipeline's folder and submits them as tenant `tag`.
 */
export const submitClassifications = async (pipeline: TestPipeline, tag: string, count: number, prompt = (i: number) => `Classify reading ${i} as normal or odd.`) => {
  const jsonl = join(pipeline.dir, `${tag}.jsonl`);
  await writeFile(
    jsonl,
    Array.from({ length: count }, (_, i) => JSON.stringify({ id: `${tag}-${i}`, prompt: prompt(i), privacy: 'PRIVATE', taskType: 'classification' })).join('\n'),
  );
  const result = await runSubmit(pipeline.runtime, { jsonl, tenant: tag, progress: false }, quiet);
  return { ...result, jsonl };
};

/** `node bin/eaio.mjs workers <args>` with the pipeline's env (Redis, database, namespace, emulator); output ignored unless `stdio` says otherwise. */
export const spawnWorkerProcess = (env: Record<string, string>, args: string[], stdio: StdioOptions = ['ignore', 'ignore', 'ignore']): ChildProcess =>
  spawn(process.execPath, ['bin/eaio.mjs', 'workers', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, ...env },
    stdio,
  });
