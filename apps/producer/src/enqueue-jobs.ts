import type { EaioConfig, QueueName, Tier } from '@eaio/core';
import { availableTiers } from '@eaio/core';
import { adaptStart, decide, passRate, routeClassOf, type RouteContext, type RouteJob, type TierEvidence } from '@eaio/routing';
import { queueJobId, type PipelineJobData } from '@eaio/queues';
import { ensureQueued, tierJobOptions, type TierQueues } from '@eaio/workers';

/** What intake records in Postgres before a job is enqueued. */
export interface IntakeStore {
  /** Creates the batch if new; returns whether it existed. */
  upsertBatch(batch: { id: string; tenant: string; name: string; source: unknown; deadline?: Date }): Promise<{ existed: boolean }>;
  /**
   * Inserts jobs that are new (`ON CONFLICT DO NOTHING`) and returns, for every job given,
   * its state: `new`, or the state of the job already stored.
   */
  insertJobs(jobs: PipelineJobData[]): Promise<Map<string, { state: string; currentTier: string | null }>>;
  setBatchJobCount(batchId: string): Promise<void>;
  /** The attempts history per (analysis type, building class, tier), for adaptive routing. Absent: routing stays fixed. */
  routingEvidence?(options: { halfLifeDays: number; now?: Date }): Promise<RoutingEvidence>;
  /**
   * Response cache: ends each new job that has a kept result for the same facts hash, analysis
   * type and prompt version on a tier of its chain as `succeeded` with that result; returns the hits.
   */
  reuseCached?(jobs: PipelineJobData[], options: { acrossTenants: boolean }): Promise<{ jobId: string; sourceJobId: string; tier: string }[]>;
}

/** Evidence per `taskType|routeClass`, then per tier. */
export type RoutingEvidence = Map<string, Map<Tier, TierEvidence>>;
export const evidenceKey = (taskType: string, routeClass: string): string => `${taskType}|${routeClass}`;

export interface RoutedCounts {
  created: number;
  alreadyKnown: number;
  alreadyFinished: number;
  /** Known open jobs that were missing from their queue (lost) or had ended there, put back. */
  requeued: number;
  /** Known open jobs already waiting, delayed or running in their queue: nothing added. */
  alreadyQueued: number;
  /** New jobs answered from the response cache: ended `succeeded` with a kept result, no call. */
  cacheHits: number;
  /** New jobs whose start adaptive routing moved. */
  adaptiveMoves: number;
  /** Jobs this submission actually put into each queue (new, or put back). */
  byQueue: Record<QueueName, number>;
}

export const emptyCounts = (): RoutedCounts => ({
  created: 0,
  alreadyKnown: 0,
  alreadyFinished: 0,
  requeued: 0,
  alreadyQueued: 0,
  cacheHits: 0,
  adaptiveMoves: 0,
  byQueue: { 'local-fast': 0, 'local-quality': 0, api: 0, review: 0 },
});

export const routeContextOf = (config: EaioConfig, localOnly: RouteContext['localOnly'] = false): RouteContext => ({
  availableTiers: availableTiers(config),
  localOnly: config.routing.emergencyLocalOnly ? { reason: 'EMERGENCY_LOCAL_ONLY is set' } : localOnly,
});

/**
 * The route context of a new submission: local-only when `EMERGENCY_LOCAL_ONLY` is set
 * or when `budgetState` says less than `budgets.localOnlyBelowShare` of a budget remains.
 */
export const intakeRouteContext = async (
  deps: { config: EaioConfig; budgetState?: (tenant: string) => Promise<{ localOnly: boolean; reason: string | undefined }> },
  tenant: string,
): Promise<RouteContext> => {
  const budget = await deps.budgetState?.(tenant);
  return routeContextOf(deps.config, budget?.localOnly ? { reason: budget.reason ?? 'a money budget is nearly spent' } : false);
};

/**
 * Routes a job: start tier, chain and reason from `decide()`; with `routing.adaptive.enabled`
 * and evidence at hand, the start then moves to the tier of lowest expected cost (`adaptStart`,
 * only among the tiers `decide()` allowed, so privacy holds).
 */
export const routeJob = (config: EaioConfig, job: RouteJob, context: RouteContext, evidence?: RoutingEvidence, exploreKey?: string) => {
  const decision = decide(job, { routing: config.routing, tiers: config.tiers, retries: config.retries, privacy: config.privacy }, context);
  const adaptive = config.routing.adaptive;
  if (!adaptive.enabled || evidence === undefined) return { ...decision, adaptiveMoved: false, adaptiveSavingMicroUsd: undefined };
  const routeClass = routeClassOf(job);
  // Per tier: the class's own evidence when it has enough visits, else the analysis type's over
  // every class, else every job's (a tier the fixed router seldom reaches, such as api after a
  // local tier that mostly passes, still gets a price and a pass rate). A tier below the fixed
  // start never borrows every job's: another analysis type's pass rate there (triage passing on
  // local-fast) says nothing about this one's, and a start moves down only on this type's own.
  const below = new Set(decision.lowerTiers ?? []);
  const tiers = new Map<Tier, TierEvidence>();
  for (const key of [evidenceKey('*', '*'), evidenceKey(decision.taskType, '*'), evidenceKey(decision.taskType, routeClass)]) {
    for (const [tier, tierEvidence] of evidence.get(key) ?? []) {
      if (key === evidenceKey('*', '*') && below.has(tier)) continue;
      if (tierEvidence.samples >= adaptive.minSamples || !tiers.has(tier)) tiers.set(tier, tierEvidence);
    }
  }
  // Each tier's rate is shrunk toward the tier's rate over the analysis type's jobs (or every
  // job's, except below the fixed start), not toward one pass in two (see `passRate`).
  for (const [tier, tierEvidence] of tiers) {
    const wider = evidence.get(evidenceKey(decision.taskType, '*'))?.get(tier) ?? (below.has(tier) ? undefined : evidence.get(evidenceKey('*', '*'))?.get(tier));
    if (wider) tiers.set(tier, { ...tierEvidence, priorPassRate: passRate(wider) });
  }
  const adapted = adaptStart(
    decision,
    routeClass,
    tiers,
    {
      minSamples: adaptive.minSamples,
      localSlotMicroUsdPerHour: Math.round(adaptive.localSlotUsdPerHour * 1e6),
      reviewMicroUsd: Math.round(adaptive.reviewUsd * 1e6),
      exploreShare: adaptive.exploreShare,
    },
    exploreKey,
  );
  const { adaptive: detail, ...rest } = adapted;
  const fixed = detail.estimates.find((estimate) => estimate.start === decision.startTier);
  const chosen = detail.estimates.find((estimate) => estimate.start === adapted.startTier);
  const adaptiveSavingMicroUsd = detail.moved && fixed && chosen ? Math.round(fixed.expectedMicroUsd - chosen.expectedMicroUsd) : undefined;
  return { ...rest, adaptiveMoved: detail.moved, adaptiveSavingMicroUsd };
};

/** Loads the routing evidence once per submission when adaptive routing is on. */
export const loadEvidence = async (deps: { config: EaioConfig; store: IntakeStore }): Promise<RoutingEvidence | undefined> => {
  if (!deps.config.routing.adaptive.enabled || !deps.store.routingEvidence) return undefined;
  return deps.store.routingEvidence({ halfLifeDays: deps.config.routing.adaptive.halfLifeDays });
};

/**
 * Stores then enqueues a slice of jobs. Postgres first, so a job in a queue always has
 * its row; the queue add uses the deterministic id, so a resubmit (or a retry after a
 * crash between the two steps) re-adds nothing that is already there. Jobs already
 * finished (succeeded, review, failed) are not enqueued again. A known open job that its
 * queue lost (Redis without AOF) or that ended there without Postgres hearing of it (a
 * failure while the database was down) is put back (`ensureQueued`), so a resubmit repairs
 * what a lost queue dropped; `byQueue` counts only what was actually put in a queue.
 */
export const storeAndEnqueue = async (jobs: PipelineJobData[], deps: { store: IntakeStore; queues: TierQueues; config: EaioConfig }, counts: RoutedCounts): Promise<void> => {
  if (jobs.length === 0) return;
  const states = await deps.store.insertJobs(jobs);
  const cached = new Set<string>();
  if (deps.config.routing.cache.enabled && deps.store.reuseCached) {
    const fresh = jobs.filter((job) => states.get(job.jobId)?.state === 'new' && job.factsHash && job.promptVersion && job.chain.length > 0);
    for (const hit of await deps.store.reuseCached(fresh, { acrossTenants: deps.config.routing.cache.acrossTenants })) cached.add(hit.jobId);
  }
  // New jobs go in with one `addBulk` per queue (one round trip for the slice, not one per job).
  const bulk = new Map<QueueName, { name: string; data: never; opts: object }[]>();
  const toBulk = (queue: QueueName, name: string, data: unknown, opts: object) => {
    const list = bulk.get(queue) ?? [];
    list.push({ name, data: data as never, opts });
    bulk.set(queue, list);
  };
  for (const job of jobs) {
    const stored = states.get(job.jobId);
    if (cached.has(job.jobId)) {
      counts.created += 1;
      counts.cacheHits += 1;
      continue;
    }
    if (stored && stored.state !== 'new') {
      counts.alreadyKnown += 1;
      if (stored.state === 'succeeded' || stored.state === 'review' || stored.state === 'failed') {
        counts.alreadyFinished += 1;
        continue;
      }
    } else {
      counts.created += 1;
    }
    const tier = (stored && stored.state !== 'new' && stored.currentTier ? stored.currentTier : job.tier) as QueueName;
    if (tier === 'review' || job.chain.length === 0) {
      const { tier: _unused, ...rest } = job;
      toBulk('review', 'review', { ...rest, reason: job.routeReason, lastTier: null }, { jobId: queueJobId(job.jobId, 'review') });
      counts.byQueue.review += 1;
      continue;
    }
    const options = { ...tierJobOptions(deps.config.retries.attemptsPerTier[tier]), jobId: queueJobId(job.jobId, tier) };
    if (stored && stored.state !== 'new') {
      const presence = await ensureQueued(deps.queues[tier], { ...job, tier }, options, 'retry');
      if (presence === 'present') {
        counts.alreadyQueued += 1;
        continue;
      }
      counts.requeued += 1;
    } else {
      toBulk(tier, job.taskType, { ...job, tier }, options);
    }
    counts.byQueue[tier] += 1;
  }
  for (const [queue, entries] of bulk) await (deps.queues[queue] as { addBulk(jobs: typeof entries): Promise<unknown> }).addBulk(entries);
};
