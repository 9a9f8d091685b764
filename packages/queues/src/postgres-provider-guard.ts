import type pg from 'pg';
import { withTransaction } from '@eaio/core';
import { parseGuardState, type GuardStateStore } from './provider-guard';

/**
 * The provider guard's documents in PostgreSQL (`provider_guard_states`, one jsonb row per
 * provider), for queues on PostgreSQL. A change is one transaction holding the row
 * (`SELECT … FOR UPDATE`) with `clock_timestamp()` as the clock. `namespace` keeps runs
 * that share a database apart (the queue schema's name).
 */
export const createPostgresGuardStore = (pool: pg.Pool, namespace = 'eaio'): GuardStateStore => {
  const keyOf = (provider: string) => `${namespace}:${provider}`;
  return {
    async update(provider, change) {
      return withTransaction(pool, async (client) => {
        await client.query(`INSERT INTO provider_guard_states (key, state) VALUES ($1, '{}'::jsonb) ON CONFLICT (key) DO NOTHING`, [keyOf(provider)]);
        const { rows } = await client.query(`SELECT state, (extract(epoch from clock_timestamp()) * 1000)::float8 AS now FROM provider_guard_states WHERE key = $1 FOR UPDATE`, [
          keyOf(provider),
        ]);
        const state = parseGuardState(rows[0].state);
        const result = change(state, Math.floor(Number(rows[0].now)));
        await client.query('UPDATE provider_guard_states SET state = $2::jsonb, updated_at = clock_timestamp() WHERE key = $1', [keyOf(provider), JSON.stringify(state)]);
        return result;
      });
    },
    async read(provider) {
      const { rows } = await pool.query('SELECT (SELECT state FROM provider_guard_states WHERE key = $1) AS state, (extract(epoch from clock_timestamp()) * 1000)::float8 AS now', [
        keyOf(provider),
      ]);
      return { state: parseGuardState(rows[0].state), now: Math.floor(Number(rows[0].now)) };
    },
    async readAll() {
      const { rows } = await pool.query(
        `SELECT key, state, (extract(epoch from clock_timestamp()) * 1000)::float8 AS now FROM provider_guard_states WHERE key LIKE $1 ORDER BY key`,
        [`${namespace.replace(/[%_\\]/g, '\\$&')}:%`],
      );
      return rows.map((row) => ({ provider: String(row.key).slice(namespace.length + 1), state: parseGuardState(row.state), now: Math.floor(Number(row.now)) }));
    },
    async close() {},
  };
};
