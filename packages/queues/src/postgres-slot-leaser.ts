import pg from 'pg';
import { DEFAULT_LEASE_MS, type SlotLease, type SlotLeaser, type SlotLeaserOptions } from './slot-leaser';

/**
 * Slot leases in PostgreSQL, for the embedded default where no Redis runs. One row per
 * held lease; taking one is a transaction under a per-host advisory lock, so two
 * processes can never both see a free slot. The table is created by the migrations
 * (`host_slot_leases`).
 */
export const createPostgresSlotLeaser = (
  pool: pg.Pool,
  options: SlotLeaserOptions = {},
): SlotLeaser => {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  return {
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
      const result = await pool.query(
        'SELECT count(*)::int AS n FROM host_slot_leases WHERE host = $1 AND expires_at >= clock_timestamp()',
        [host],
      );
      return result.rows[0].n as number;
    },
    async close() {},
  };
};
