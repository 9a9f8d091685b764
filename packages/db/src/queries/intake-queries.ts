import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { batches, jobs, type NewJobRow } from '../schema';

/** Creates the batch unless it exists; says which. */
export const upsertBatch = async (
  database: Database,
  batch: { id: string; tenant: string; name: string; source: unknown },
): Promise<{ existed: boolean }> => {
  const inserted = await database.db
    .insert(batches)
    .values({ id: batch.id, tenant: batch.tenant, name: batch.name, source: batch.source })
    .onConflictDoNothing()
    .returning({ id: batches.id });
  return { existed: inserted.length === 0 };
};

/**
 * Inserts the jobs that are new and reports every job's state: `new` for the inserted
 * ones, the stored state (and current tier) for the ones that already existed.
 */
export const insertJobs = async (
  database: Database,
  rows: NewJobRow[],
): Promise<Map<string, { state: string; currentTier: string | null }>> => {
  const states = new Map<string, { state: string; currentTier: string | null }>();
  if (rows.length === 0) return states;
  const inserted = await database.db.insert(jobs).values(rows).onConflictDoNothing().returning({ id: jobs.id });
  const fresh = new Set(inserted.map((row) => row.id));
  for (const id of fresh) states.set(id, { state: 'new', currentTier: null });
  const existing = rows.map((row) => row.id).filter((id) => !fresh.has(id));
  if (existing.length > 0) {
    const stored = await database.db
      .select({ id: jobs.id, state: jobs.state, currentTier: jobs.currentTier })
      .from(jobs)
      .where(inArray(jobs.id, existing));
    for (const row of stored) states.set(row.id, { state: row.state, currentTier: row.currentTier });
  }
  return states;
};

export const setBatchJobCount = async (database: Database, batchId: string): Promise<void> => {
  await database.db
    .update(batches)
    .set({ jobCount: sql`(SELECT count(*) FROM ${jobs} WHERE ${jobs.batchId} = ${batchId})`, status: 'open', completedAt: null })
    .where(and(eq(batches.id, batchId)));
};
