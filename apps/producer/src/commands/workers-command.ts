import { TIERS, type Tier } from '@eaio/core';
import { composeWorkers } from '../compose-workers';
import type { Runtime } from '../runtime';

export const parseTiers = (value: string | undefined): Tier[] => {
  if (!value || value === 'all') return [...TIERS];
  const tiers = value.split(',').map((tier) => tier.trim());
  for (const tier of tiers) {
    if (!(TIERS as readonly string[]).includes(tier)) throw new Error(`unknown tier "${tier}" in --tier: use ${TIERS.join(', ')} or all`);
  }
  return tiers as Tier[];
};

/**
 * Runs tier workers until SIGINT/SIGTERM. First signal: stop fetching and let in-flight
 * jobs finish; second signal: abort in-flight calls and hand their jobs back.
 */
export const runWorkers = async (runtime: Runtime, options: { tier?: string }): Promise<void> => {
  const tiers = parseTiers(options.tier);
  const handle = await composeWorkers(runtime, { tiers });
  runtime.log.info({ worker: handle.id, tiers, queues: runtime.store.label }, 'workers running; Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) {
        runtime.log.warn({ signal }, 'second signal: aborting in-flight calls, returning their jobs');
        handle.close({ force: true }).finally(resolve);
        return;
      }
      closing = true;
      runtime.log.info({ signal }, 'stopping: finishing in-flight jobs (signal again to abort them)');
      handle.close().finally(resolve);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
};
