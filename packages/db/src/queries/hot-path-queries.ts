import { createHash } from 'node:crypto';
import { getTableColumns, type Column } from 'drizzle-orm';
import type { Database } from '../create-db';
import { attempts, TERMINAL_JOB_STATES, type NewAttemptRow } from '../schema';
import type { CompleteJobInput } from './job-state-queries';

/**
 * The statements a delivery runs, each ONE round trip and a named (prepared) statement:
 * `pg` parses and plans a named statement once per connection, then sends only its name
 * and parameters. A transaction of N statements costs N + 2 round trips (BEGIN, COMMIT);
 * these data-modifying CTEs do the same work atomically in one.
 */

const TERMINAL_SQL = TERMINAL_JOB_STATES.map((state) => `'${state}'`).join(', ');
const OPEN_OUTCOMES_SQL = `'started', 'abandoned'`;

type AttemptField = keyof NewAttemptRow;
const attemptColumns = getTableColumns(attempts) as Record<string, Column>;

/** The SQL name of a column (the schema is declared in camelCase, stored in snake_case). */
const columnName = (column: Column) => column.name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Column names and driver values of the given row fields (jsonb stringified the way drizzle does). */
const attemptValues = (row: Partial<NewAttemptRow>) => {
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(row) as [AttemptField, unknown][]) {
    if (value === undefined) continue;
    const column = attemptColumns[field];
    if (!column) throw new Error(`attempts has no field ${field}`);
    names.push(`"${columnName(column)}"`);
    values.push(value === null ? null : column.mapToDriverValue(value));
  }
  return { names, values };
};

/** A statement name for this text (≤ 63 bytes, the same for the same text in every process). */
const statementName = (prefix: string, text: string) => `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;

export interface RecordedAttemptRow {
  /** False when this attempt id was already stored (a replay): nothing was written. */
  inserted: boolean;
  /** The `started_at` the attempt row is stored under (the first one, on a replay). */
  startedAt: Date;
}

/**
 * Claims the attempt id, writes the `attempts` row, counts the attempt on its job and, with
 * `markActive`, marks the job `active` at the attempt's tier (a terminal job is left alone):
 * one statement.
 * Only the first claim of an id writes anything; a replay returns the stored `started_at`.
 */
export const recordAttemptStatement = async (database: Database, row: NewAttemptRow, options: { markActive?: boolean } = {}): Promise<RecordedAttemptRow> => {
  const { names, values } = attemptValues(row);
  const at = (field: AttemptField) => names.indexOf(`"${columnName(attemptColumns[field])}"`) + 1;
  // INSERT … SELECT does not type its parameters from the target columns: cast each.
  const types = Object.entries(row)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => attemptColumns[field].getSQLType());
  const placeholders = names.map((name, index) => (name === '"started_at"' ? 'k.started_at' : `$${index + 1}::${types[index]}`));
  const text = `WITH k AS (
      INSERT INTO attempt_keys (attempt_id, started_at, job_id) VALUES ($${at('attemptId')}, $${at('startedAt')}, $${at('jobId')})
      ON CONFLICT DO NOTHING RETURNING started_at),
    a AS (INSERT INTO attempts (${names.join(', ')}) SELECT ${placeholders.join(', ')} FROM k ON CONFLICT DO NOTHING),
    j AS (UPDATE jobs SET attempt_count = attempt_count + 1, updated_at = now()${
      options.markActive
        ? `, state = CASE WHEN state IN (${TERMINAL_SQL}) THEN state ELSE 'active' END,
            current_tier = CASE WHEN state IN (${TERMINAL_SQL}) THEN current_tier ELSE $${at('tier')}::text END`
        : ''
    }
          WHERE id = $${at('jobId')} AND EXISTS (SELECT 1 FROM k))
    SELECT (SELECT started_at FROM k) AS claimed, (SELECT started_at FROM attempt_keys WHERE attempt_id = $${at('attemptId')}) AS stored`;
  const { rows } = await database.pool.query<{ claimed: Date | null; stored: Date | null }>({ name: statementName('eaio_attempt', text), text, values });
  if (rows[0].claimed) return { inserted: true, startedAt: rows[0].claimed };
  if (rows[0].stored) return { inserted: false, startedAt: rows[0].stored };
  // A concurrent first claim committed after this statement's snapshot was taken: read it now.
  const again = await database.pool.query<{ started_at: Date }>('SELECT started_at FROM attempt_keys WHERE attempt_id = $1', [row.attemptId]);
  return { inserted: false, startedAt: again.rows[0].started_at };
};

const finishAssignments = (fields: Partial<NewAttemptRow>, offset: number) => {
  const { names, values } = attemptValues(fields);
  return { set: names.map((name, index) => `${name} = $${offset + index + 1}`).join(', '), values };
};

/**
 * Writes how an attempt ended, found through `attempt_keys`; only a `started` or
 * `abandoned` attempt changes (the first real ending wins). One statement. Returns whether
 * a row changed.
 */
export const finishAttemptStatement = async (database: Database, attemptId: string, fields: Partial<Omit<NewAttemptRow, 'attemptId' | 'startedAt'>>): Promise<boolean> => {
  const { set, values } = finishAssignments(fields, 1);
  if (values.length === 0) return false;
  const text = `UPDATE attempts a SET ${set} FROM attempt_keys k
    WHERE k.attempt_id = $1 AND a.attempt_id = k.attempt_id AND a.started_at = k.started_at AND a.outcome IN (${OPEN_OUTCOMES_SQL})`;
  const result = await database.pool.query({ name: statementName('eaio_finish', text), text, values: [attemptId, ...values] });
  return (result.rowCount ?? 0) > 0;
};

/** The same answer as `completeJob` stores, here with the attempt's ending in one statement. */
export type FinishAndCompleteInput = CompleteJobInput;

/**
 * A delivery that passed the gate, in ONE statement: the attempt's ending, the result row
 * (at most one per job), the job `succeeded` (a terminal job never changes), and the
 * batch's open-jobs counter lowered, closing the batch at 0. The batch row's UPDATE
 * re-reads the latest committed `open_jobs` when a concurrent job ended first (READ
 * COMMITTED re-evaluates a row it waited for), so exactly one last job closes it.
 * Returns whether the attempt row changed and whether this call stored the result.
 */
export const finishAndCompleteStatement = async (
  database: Database,
  fields: Partial<Omit<NewAttemptRow, 'attemptId' | 'startedAt'>>,
  input: FinishAndCompleteInput,
): Promise<{ finished: boolean; stored: boolean }> => {
  const result = [
    input.jobId,
    input.attemptId,
    input.batchId,
    input.tier,
    input.provider,
    input.model,
    input.text,
    input.answer === undefined || input.answer === null ? null : JSON.stringify(input.answer),
    input.qualityScore,
    input.simulated,
  ];
  const { set, values } = finishAssignments(fields, result.length);
  const text = `WITH fin AS (
      UPDATE attempts a SET ${set} FROM attempt_keys k
      WHERE k.attempt_id = $2 AND a.attempt_id = k.attempt_id AND a.started_at = k.started_at AND a.outcome IN (${OPEN_OUTCOMES_SQL})
      RETURNING 1),
    res AS (
      INSERT INTO results (job_id, attempt_id, batch_id, tier, provider, model, text, answer, quality_score, simulated)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) ON CONFLICT DO NOTHING RETURNING job_id),
    job AS (
      UPDATE jobs SET state = 'succeeded', current_tier = $4, finished_at = now(), updated_at = now()
      WHERE id IN (SELECT job_id FROM res) AND state NOT IN (${TERMINAL_SQL}) RETURNING batch_id),
    bat AS (
      UPDATE batches SET open_jobs = greatest(open_jobs - 1, 0),
        status = CASE WHEN open_jobs - 1 <= 0 THEN 'done' ELSE status END,
        completed_at = CASE WHEN open_jobs - 1 <= 0 THEN coalesce(completed_at, now()) ELSE completed_at END
      WHERE id IN (SELECT batch_id FROM job) RETURNING 1)
    SELECT (SELECT count(*) FROM fin)::int AS finished, (SELECT count(*) FROM res)::int AS stored, (SELECT count(*) FROM bat)::int AS counted`;
  const { rows } = await database.pool.query<{ finished: number; stored: number }>({
    name: statementName('eaio_complete', text),
    text,
    values: [...result, ...values],
  });
  return { finished: rows[0].finished > 0, stored: rows[0].stored > 0 };
};
