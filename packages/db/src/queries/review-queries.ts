import type { PoolClient } from 'pg';
import { withTransaction } from '@eaio/core';
import type { Database } from '../create-db';
import type { ReviewDecisionKind } from '../schema';

/** A job waiting in review, as the desk lists it. */
export interface ReviewListItem {
  jobId: string;
  batchId: string;
  tenant: string;
  kind: 'building' | 'prompt';
  buildingId: string | null;
  sourceId: string | null;
  /** Analysis type of a building job, task type of a prompt job. */
  analysisType: string;
  privacy: string;
  chain: string[];
  /** Why it is in review (the escalation's or the failure's reason). */
  reason: string;
  attempts: number;
  /** Best gate score among its answers, null when nothing was answered. */
  bestScore: number | null;
  simulated: boolean;
  enteredReviewAt: Date | null;
}

/** One provider call of a job in review: its answer and the gate's findings. */
export interface ReviewAttempt {
  attemptId: string;
  startedAt: Date;
  tier: string;
  provider: string;
  model: string;
  outcome: string;
  qualityScore: number | null;
  /** `{ threshold, checks: { <check>: { score, issues }, claims, repairs } }` as the gate stored it. */
  qualityChecks: unknown;
  answerText: string | null;
  errorKind: string | null;
  errorMessage: string | null;
  costMicroUsd: number;
  latencyMs: number | null;
}

export interface ReviewDecisionItem {
  id: number;
  decision: ReviewDecisionKind;
  attemptId: string | null;
  tier: string | null;
  decidedBy: string;
  reason: string;
  decidedAt: Date;
}

export interface ReviewJobDetail extends ReviewListItem {
  state: string;
  currentTier: string | null;
  attemptList: ReviewAttempt[];
  decisions: ReviewDecisionItem[];
}

const LIST_COLUMNS = `j.id, j.batch_id, j.tenant, j.kind, j.building_id, j.source_id, j.task_type, j.privacy, j.chain, j.route_reason,
  j.attempt_count, j.simulated, j.finished_at, j.state, j.current_tier,
  (SELECT max(a.quality_score) FROM attempts a WHERE a.job_id = j.id) AS best_score`;

// biome-ignore lint/suspicious/noExplicitAny: a pg row of the query above; its columns are read by name
const listItem = (row: any): ReviewListItem => ({
  jobId: row.id,
  batchId: row.batch_id,
  tenant: row.tenant,
  kind: row.kind,
  buildingId: row.building_id,
  sourceId: row.source_id,
  analysisType: row.task_type,
  privacy: row.privacy,
  chain: row.chain,
  reason: row.route_reason,
  attempts: row.attempt_count,
  bestScore: row.best_score === null ? null : Number(row.best_score),
  simulated: row.simulated,
  enteredReviewAt: row.finished_at,
});

/** Jobs waiting in review, oldest first (optionally of one batch). */
export const listReviewJobs = async (database: Database, options: { batchId?: string; limit?: number } = {}): Promise<ReviewListItem[]> => {
  const { rows } = await database.pool.query(
    `SELECT ${LIST_COLUMNS} FROM jobs j
     WHERE j.state = 'review' AND ($1::text IS NULL OR j.batch_id = $1)
     ORDER BY j.finished_at NULLS LAST, j.id LIMIT $2`,
    [options.batchId ?? null, options.limit ?? 200],
  );
  return rows.map(listItem);
};

/** A job (in review or decided), every attempt with its answer and findings, and the decisions taken on it. */
export const reviewJobDetail = async (database: Database, jobId: string): Promise<ReviewJobDetail | undefined> => {
  const job = await database.pool.query(`SELECT ${LIST_COLUMNS} FROM jobs j WHERE j.id = $1`, [jobId]);
  if (!job.rowCount) return undefined;
  const attempts = await database.pool.query(
    `SELECT attempt_id, started_at, tier, provider, model, outcome, quality_score, quality_checks, answer_text, error_kind, error_message,
            cost_micro_usd, latency_ms
     FROM attempts WHERE job_id = $1 ORDER BY started_at, attempt_id`,
    [jobId],
  );
  const decisions = await database.pool.query(
    'SELECT id, decision, attempt_id, tier, decided_by, reason, decided_at FROM review_decisions WHERE job_id = $1 ORDER BY decided_at, id',
    [jobId],
  );
  const row = job.rows[0];
  return {
    ...listItem(row),
    state: row.state,
    currentTier: row.current_tier,
    attemptList: attempts.rows.map((a) => ({
      attemptId: a.attempt_id,
      startedAt: a.started_at,
      tier: a.tier,
      provider: a.provider,
      model: a.model,
      outcome: a.outcome,
      qualityScore: a.quality_score,
      qualityChecks: a.quality_checks,
      answerText: a.answer_text,
      errorKind: a.error_kind,
      errorMessage: a.error_message,
      costMicroUsd: Number(a.cost_micro_usd),
      latencyMs: a.latency_ms,
    })),
    decisions: decisions.rows.map((d) => ({
      id: Number(d.id),
      decision: d.decision,
      attemptId: d.attempt_id,
      tier: d.tier,
      decidedBy: d.decided_by,
      reason: d.reason,
      decidedAt: d.decided_at,
    })),
  };
};

/** A decision on a job that is not (or no longer) in review, or on an answer it does not have. */
export class ReviewConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewConflictError';
  }
  static isInstance(value: unknown): value is ReviewConflictError {
    return value instanceof Error && value.name === 'ReviewConflictError';
  }
}

interface DecisionBase {
  jobId: string;
  /** The name of the board token used, or `cli`. */
  decidedBy: string;
  reason: string;
}

const inTransaction = <T>(database: Database, work: (client: PoolClient) => Promise<T>): Promise<T> => withTransaction(database.pool, work);

/** Locks the job row; throws unless it is in review. */
const lockReviewJob = async (client: PoolClient, jobId: string) => {
  const { rows } = await client.query('SELECT id, batch_id, state, simulated, route_reason, chain FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  if (rows.length === 0) throw new ReviewConflictError(`no job "${jobId}"`);
  if (rows[0].state !== 'review') throw new ReviewConflictError(`job ${jobId} is ${rows[0].state}, not in review: nothing to decide`);
  return rows[0] as { id: string; batch_id: string; state: string; simulated: boolean; route_reason: string; chain: string[] };
};

const recordDecision = async (client: PoolClient, batchId: string, input: DecisionBase & { decision: ReviewDecisionKind; attemptId?: string; tier?: string }): Promise<number> => {
  const { rows } = await client.query(
    `INSERT INTO review_decisions (job_id, batch_id, decision, attempt_id, tier, decided_by, reason) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [input.jobId, batchId, input.decision, input.attemptId ?? null, input.tier ?? null, input.decidedBy, input.reason],
  );
  return Number(rows[0].id);
};

/**
 * Accepts one of the job's answered attempts: its answer becomes the job's result (marked
 * `reviewed`, with the gate's score as stored), the job `succeeded`. One transaction with
 * the decision row. `answer` is the parsed JSON of the attempt's text (or null).
 */
export const acceptReviewedAnswer = async (database: Database, input: DecisionBase & { attemptId: string; answer: (text: string) => unknown }): Promise<{ decisionId: number }> =>
  inTransaction(database, async (client) => {
    const job = await lockReviewJob(client, input.jobId);
    const { rows } = await client.query(
      'SELECT attempt_id, tier, provider, model, outcome, answer_text, quality_score, simulated FROM attempts WHERE job_id = $1 AND attempt_id = $2',
      [input.jobId, input.attemptId],
    );
    const attempt = rows[0];
    if (!attempt) throw new ReviewConflictError(`job ${input.jobId} has no attempt "${input.attemptId}"`);
    if (attempt.answer_text === null) throw new ReviewConflictError(`attempt ${input.attemptId} has no answer to accept (it ended ${attempt.outcome ?? 'without one'})`);
    const inserted = await client.query(
      `INSERT INTO results (job_id, attempt_id, batch_id, tier, provider, model, answer, text, quality_score, simulated, reviewed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true) ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      [
        input.jobId,
        attempt.attempt_id,
        job.batch_id,
        attempt.tier,
        attempt.provider,
        attempt.model,
        JSON.stringify(input.answer(attempt.answer_text) ?? null),
        attempt.answer_text,
        attempt.quality_score ?? 0,
        job.simulated || attempt.simulated,
      ],
    );
    if (inserted.rowCount === 0) throw new ReviewConflictError(`job ${input.jobId} already has a result`);
    await client.query(`UPDATE jobs SET state = 'succeeded', current_tier = $2, route_reason = $3, updated_at = now(), finished_at = now() WHERE id = $1`, [
      input.jobId,
      attempt.tier,
      `${job.route_reason}; accepted at review by ${input.decidedBy}: ${input.reason}`.slice(0, 4000),
    ]);
    return { decisionId: await recordDecision(client, job.batch_id, { ...input, decision: 'accept' }) };
  });

/** Rejects the job: terminal `rejected`, no result. */
export const rejectReviewJob = async (database: Database, input: DecisionBase): Promise<{ decisionId: number }> =>
  inTransaction(database, async (client) => {
    const job = await lockReviewJob(client, input.jobId);
    await client.query(`UPDATE jobs SET state = 'rejected', route_reason = $2, updated_at = now(), finished_at = now() WHERE id = $1`, [
      input.jobId,
      `${job.route_reason}; rejected at review by ${input.decidedBy}: ${input.reason}`.slice(0, 4000),
    ]);
    return { decisionId: await recordDecision(client, job.batch_id, { ...input, decision: 'reject' }) };
  });

/**
 * Sends the job back to `tier` (the caller checked that its privacy allows the tier):
 * `queued` there with `chain` (the old chain with the tier added where missing), the batch
 * open again (its open-jobs counter raised in the same transaction). The caller then puts
 * the job into the tier's queue; until it does, the reconciler would.
 */
export const retryReviewJob = async (database: Database, input: DecisionBase & { tier: string; chain: string[] }): Promise<{ decisionId: number; routeReason: string }> =>
  inTransaction(database, async (client) => {
    const job = await lockReviewJob(client, input.jobId);
    const routeReason = `${job.route_reason}; sent back to ${input.tier} at review by ${input.decidedBy}: ${input.reason}`.slice(0, 4000);
    await client.query(`UPDATE jobs SET state = 'queued', current_tier = $2, chain = $3, route_reason = $4, updated_at = now(), finished_at = NULL WHERE id = $1`, [
      input.jobId,
      input.tier,
      input.chain,
      routeReason,
    ]);
    await client.query(`UPDATE batches SET open_jobs = open_jobs + 1, status = 'open', completed_at = NULL WHERE id = $1`, [job.batch_id]);
    return { decisionId: await recordDecision(client, job.batch_id, { ...input, decision: 'retry' }), routeReason };
  });
