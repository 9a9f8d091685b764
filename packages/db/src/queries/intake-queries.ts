import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { batches, jobs, TERMINAL_JOB_STATES, type JobState, type NewJobRow } from '../schema';

/** Rows per INSERT: keeps the bind parameters (about 20 a job) under PostgreSQL's 65,535. */
const INSERT_CHUNK = 1000;

/** Creates the batch unless it exists (its id is deterministic from the input); says which. */
export const upsertBatch = async (
  database: Database,
  batch: { id: string; tenant: string; name: string; source: unknown /** `eaio submit --deadline`; a resubmission with one sets it. */; deadline?: Date },
): Promise<{ existed: boolean }> => {
  const inserted = await database.db
    .insert(batches)
    .values({ id: batch.id, tenant: batch.tenant, name: batch.name, source: batch.source, deadline: batch.deadline ?? null })
    .onConflictDoNothing()
    .returning({ id: batches.id });
  if (inserted.length === 0 && batch.deadline) await database.db.update(batches).set({ deadline: batch.deadline }).where(eq(batches.id, batch.id));
  return { existed: inserted.length === 0 };
};

/** A job as intake sees it after `insertJobs`: `new`, or the state it already had. */
export interface JobIntakeState {
  state: 'new' | JobState;
  currentTier: string | null;
}

/**
 * Inserts the jobs that are new (ON CONFLICT DO NOTHING: a job id is unique across
 * batches, so a resubmit inserts nothing) and reports every job's state: `new` for the
 * inserted ones, the stored state and tier for the ones that already existed. In the same
 * transaction each batch's open-jobs counter grows by its new jobs that are not terminal
 * (and the batch is open again).
 */
export const insertJobs = async (database: Database, rows: NewJobRow[]): Promise<Map<string, JobIntakeState>> => {
  const states = new Map<string, JobIntakeState>();
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const inserted = await database.db.transaction(async (tx) => {
      const added = await tx.insert(jobs).values(chunk).onConflictDoNothing().returning({ id: jobs.id, batchId: jobs.batchId, state: jobs.state });
      const openByBatch = new Map<string, number>();
      for (const row of added) {
        if (!TERMINAL_JOB_STATES.includes(row.state)) openByBatch.set(row.batchId, (openByBatch.get(row.batchId) ?? 0) + 1);
      }
      for (const [batchId, n] of openByBatch) {
        await tx
          .update(batches)
          .set({ openJobs: sql`${batches.openJobs} + ${n}`, status: 'open', completedAt: null })
          .where(eq(batches.id, batchId));
      }
      return added;
    });
    const fresh = new Set(inserted.map((row) => row.id));
    for (const id of fresh) states.set(id, { state: 'new', currentTier: null });
    const existing = chunk.map((row) => row.id).filter((id) => !fresh.has(id));
    if (existing.length === 0) continue;
    const stored = await database.db.select({ id: jobs.id, state: jobs.state, currentTier: jobs.currentTier }).from(jobs).where(inArray(jobs.id, existing));
    for (const row of stored) states.set(row.id, { state: row.state, currentTier: row.currentTier });
  }
  return states;
};

/**
 * Sets the batch's job count from its stored jobs; the batch is `open` while its
 * open-jobs counter is above 0, else `done` (a resubmit of a finished batch stays done).
 */
export const setBatchJobCount = async (database: Database, batchId: string): Promise<void> => {
  const open = sql`${batches.openJobs} > 0`;
  await database.db
    .update(batches)
    .set({
      jobCount: sql`(SELECT count(*) FROM ${jobs} WHERE ${jobs.batchId} = ${batchId})`,
      status: sql`CASE WHEN ${open} THEN 'open' ELSE 'done' END`,
      completedAt: sql`CASE WHEN ${open} THEN NULL ELSE coalesce(${batches.completedAt}, now()) END`,
    })
    .where(eq(batches.id, batchId));
};
