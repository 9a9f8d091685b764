import type pg from 'pg';
import { DEFAULT_LEASE_MS, type HostHealthBoard, type SlotLease, type SlotLeaser, type SlotLeaserOptions } from './slot-leaser';

/** Shared host health in `host_health` (one row per host; `claimed_until` = a check under way). */
const postgresHealthBoard = (pool: pg.Pool): HostHealthBoard => ({
  async read(host) {
    const result = await pool.query('SELECT ok, models, latency_ms, error, checked_at FROM host_health WHERE host = $1 AND checked_at IS NOT NULL', [host]);
    const row = result.rows[0];
    if (!row) return undefined;
    return { ok: row.ok, models: row.models ?? [], latencyMs: row.latency_ms ?? 0, error: row.error ?? undefined, checkedAt: new Date(row.checked_at).getTime() };
  },
  async write(host, health) {
    await pool.query(
      `INSERT INTO host_health (host, ok, models, latency_ms, error, checked_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (host) DO UPDATE SET ok = EXCLUDED.ok, models = EXCLUDED.models, latency_ms = EXCLUDED.latency_ms, error = EXCLUDED.error, checked_at = EXCLUDED.checked_at`,
      [host, health.ok, JSON.stringify(health.models), Math.round(health.latencyMs), health.error ?? null, new Date(health.checkedAt)],
    );
  },
  async touch(host, at) {
    await pool.query('UPDATE host_health SET checked_at = $2 WHERE host = $1 AND ok AND checked_at < $2', [host, new Date(at)]);
  },
  async claim(host, forMs) {
    const result = await pool.query(
      `INSERT INTO host_health (host, ok, claimed_until) VALUES ($1, false, clock_timestamp() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (host) DO UPDATE SET claimed_until = EXCLUDED.claimed_until
       WHERE host_health.claimed_until IS NULL OR host_health.claimed_until < clock_timestamp()
       RETURNING host`,
      [host, forMs],
    );
    return (result.rowCount ?? 0) > 0;
  },
  async release(host) {
    await pool.query('UPDATE host_health SET claimed_until = NULL WHERE host = $1', [host]);
  },
});

/**
 * Slot leases in PostgreSQL, for the embedded default where no Redis runs. One row per
 * held lease; taking one is a transaction under a per-host advisory lock, so two
 * processes can never both see a free slot. The table is created by the migrations
 * (`host_slot_leases`).
 */
export const createPostgresSlotLeaser = (pool: pg.Pool, options: SlotLeaserOptions = {}): SlotLeaser => {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  return {
    leaseMs,
    async tryAcquire(host, cap, leaseId) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eaio-host-slot:${host}`]);
        await client.query('DELETE FROM host_slot_leases WHERE host = $1 AND expires_at < clock_timestamp()', [host]);
        const inserted = await client.query(
          `INSERT INTO host_slot_leases (lease_id, host, expires_at)
           SELECT $2, $1, clock_timestamp() + make_interval(secs => $4::double precision / 1000)
           WHERE (SELECT count(*) FROM host_slot_leases WHERE host = $1) < $3
           ON CONFLICT (lease_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
           RETURNING lease_id`,
          [host, leaseId, cap, leaseMs],
        );
        await client.query('COMMIT');
        return inserted.rowCount ? { host, leaseId } : null;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async renew(lease: SlotLease) {
      const result = await pool.query(
        `UPDATE host_slot_leases SET expires_at = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
         WHERE lease_id = $1 AND expires_at >= clock_timestamp()`,
        [lease.leaseId, leaseMs],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async release(lease) {
      await pool.query('DELETE FROM host_slot_leases WHERE lease_id = $1', [lease.leaseId]);
    },
    async held(host) {
      const result = await pool.query('SELECT count(*)::int AS n FROM host_slot_leases WHERE host = $1 AND expires_at >= clock_timestamp()', [host]);
      return result.rows[0].n as number;
    },
    health: postgresHealthBoard(pool),
    async close() {},
  };
};
