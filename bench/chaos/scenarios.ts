import type { ChaosContext, ScenarioDefinition } from './harness';
import { enableOneTokenPerCharacter } from './token-counting';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const killRedis = async (context: ChaosContext) => {
  await context.redis!.kill();
  await sleep(context.sizes.redisDownMs);
  await context.redis!.start();
  return 1;
};

/**
 * SIGKILLs one worker process every `killEveryMs` (the running one that has run longest;
 * one still starting up is spared) and starts a new one at once, until the batch drains
 * or `maxKills` is reached.
 */
const killWorkers = async (context: ChaosContext) => {
  let kills = 0;
  while (!context.drained() && kills < context.sizes.maxKills) {
    await sleep(context.sizes.killEveryMs);
    if (context.drained()) break;
    const victim = context.workers.find((worker) => worker.live());
    if (!victim) {
      // None has finished starting: wait for it, unless none is even running any more.
      if (context.workers.every((worker) => worker.child.exitCode !== null || worker.child.signalCode !== null)) break;
      continue;
    }
    await victim.kill();
    kills += 1;
    // The replacement starts in the background; the next kill may hit it before it is ready.
    context.spawnWorker().catch((error: unknown) => context.note(`a replacement worker failed to start: ${error instanceof Error ? error.message : String(error)}`));
  }
  return kills;
};

const hostsDown = async (context: ChaosContext) => {
  for (const host of context.localHosts) await context.emulator.stopHost(host);
  await sleep(context.sizes.hostsDownMs);
  for (const host of context.localHosts) await context.emulator.startHost(host);
  return 1;
};

const rateLimitStorm = async (context: ChaosContext) => {
  const { api } = context.models;
  context.emulator.configure({ models: { [api]: { faults: { rateLimit: 1 }, retryAfterSeconds: 1 } } });
  await sleep(context.sizes.stormMs);
  context.emulator.configure({ models: { [api]: { faults: { rateLimit: 0 } } } });
  return 1;
};

/** Every scenario of issue 9, in the order `npm run chaos` runs them. */
export const SCENARIOS: ScenarioDefinition[] = [
  {
    name: 'redis-kill-aof',
    fault: 'Redis (AOF, fsync always) SIGKILLed, restarted after redisDownMs',
    redis: 'private-aof',
    inject: killRedis,
  },
  {
    name: 'redis-kill-no-aof',
    fault: 'Redis (no persistence) SIGKILLed, restarted empty after redisDownMs',
    redis: 'private-no-aof',
    inject: killRedis,
  },
  {
    name: 'postgres-down',
    fault: 'PostgreSQL unreachable for postgresDownMs (connections reset, new ones refused), then back',
    redis: 'shared',
    postgresProxy: true,
    inject: async (context) => {
      await context.postgresProxy!.cut();
      await sleep(context.sizes.postgresDownMs);
      await context.postgresProxy!.restore();
      return 1;
    },
  },
  {
    name: 'worker-sigkill',
    fault: 'a worker process SIGKILLed every killEveryMs (a new one started at once)',
    redis: 'shared',
    faultAtShare: 0.05,
    inject: killWorkers,
  },
  {
    name: 'local-hosts-down',
    fault: 'every local inference host down (connection refused) for hostsDownMs',
    redis: 'shared',
    inject: hostsDown,
  },
  {
    name: 'rate-limit-storm',
    fault: 'every api call answered 429 (retry-after 1 s) for stormMs',
    redis: 'shared',
    inject: rateLimitStorm,
  },
  {
    name: 'one-token-per-char',
    fault: 'the api provider counts 1 token per character; $1.00 daily cap, 20 api calls in flight',
    redis: 'shared',
    jobs: (sizes) => ({ localFast: 0, localQuality: 0, api: sizes.tokenApiJobs }),
    capUsd: 1,
    maxReservationShare: 1,
    maxConcurrentApi: 20,
    prepare: (context) => enableOneTokenPerCharacter(context),
    // The fault is the provider's counting, from the first call on.
    inject: async () => 1,
  },
];

export const scenarioNamed = (name: string): ScenarioDefinition => {
  const found = SCENARIOS.find((scenario) => scenario.name === name);
  if (!found) throw new Error(`no chaos scenario "${name}"; known: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
  return found;
};
