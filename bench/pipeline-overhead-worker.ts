/**
 * One worker process of `bench/pipeline-overhead.ts --processes N`: the same tier workers
 * (`composeWorkers`) the in-process mode runs, in a child of the bench. The bench forks it
 * with the runtime's environment (rehearsal endpoints, REDIS_URL, DATABASE_URL) and
 * `BENCH_NAMESPACE`; it answers `ready` once its workers run, counts the jobs it ran, and on
 * `stop` closes them and answers `done` with that count.
 */
import { createLogger, loadConfig } from '@eaio/core';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { openRuntime } from '../apps/producer/src/runtime';

const send = (message: unknown, then?: () => void) => process.send?.(message, undefined, {}, () => then?.());

const main = async () => {
  const config = loadConfig({ env: process.env });
  const runtime = await openRuntime({ config, log: createLogger({ level: 'error', name: 'bench-worker' }), namespace: process.env.BENCH_NAMESPACE });
  let jobs = 0;
  const idlePollMs = process.env.BENCH_IDLE_POLL ? Number(process.env.BENCH_IDLE_POLL) : undefined;
  const workers = await composeWorkers(runtime, {
    tiers: ['local-fast', 'local-quality'],
    idlePollMs,
    onOutcome: () => {
      jobs += 1;
    },
  });
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      await workers.close();
      await runtime.close();
      send({ type: 'done', jobs }, () => process.exit(0));
    })();
  });
  send({ type: 'ready' });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
