import type { RequestLogEntry } from '@eaio/emulator';
import type { Runtime } from '../../apps/producer/src/runtime';

/** Every text a chat request carried (system and messages, in any provider's shape). */
export const requestTexts = (entry: RequestLogEntry): string => JSON.stringify(entry.body ?? '');

const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];

/** Building ids named in the data block of a request (`"building": { "id": "b12"` inside the JSON block). */
export const buildingIdsIn = (entry: RequestLogEntry): string[] =>
  strings(entry.body).flatMap((text) => [...text.matchAll(/"building":\s*\{\s*"id":\s*"([^"]+)"/g)].map((match) => match[1]));

/** The ledger facts an end-to-end test asserts. */
export const pipelineFacts = async (runtime: Runtime, batchIds: string[]) => {
  const pool = runtime.database.pool;
  const jobs = await pool.query('SELECT id, state, privacy, current_tier, building_id, batch_id FROM jobs WHERE batch_id = ANY($1)', [batchIds]);
  const attempts = await pool.query('SELECT attempt_id, job_id, tier, provider, outcome, cost_micro_usd FROM attempts WHERE batch_id = ANY($1)', [batchIds]);
  const results = await pool.query('SELECT job_id, count(*)::int AS n FROM results WHERE batch_id = ANY($1) GROUP BY job_id', [batchIds]);
  return { jobs: jobs.rows, attempts: attempts.rows, results: results.rows };
};
