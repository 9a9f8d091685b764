import type { ModelPrice } from '@eaio/core';
import type { BudgetKey } from './budget-scopes';
import { budgetStanding } from './budget-state';
import { formatUsd } from './money';
import { inTransaction, type Queryable, type TransactionalDb } from './queryable';
import type { TokenUsage } from './token-usage';

/** Who a call is for and where it goes. */
export interface CallIdentity {
  attemptId: string;
  jobId: string;
  batchId: string;
  tenant: string;
  tier: string;
  provider: string;
  endpoint: string;
  model: string;
}

export interface ReservationRequest extends CallIdentity {
  amountMicro: number;
  keys: BudgetKey[];
  price: ModelPrice;
  priceVersion: string;
  pricedAt: Date;
  expiresAt: Date;
  localOnlyBelowShare: number;
  maxReservationShare: number;
  /** o200k tokens of the prompt as sent, kept for calibration. */
  promptTokensCounted?: number;
  /** Prompt tokens the amount was priced at. */
  promptTokensReserved?: number;
}

export type ReservationOutcome = { ok: true; reservedMicroUsd: number; repeated: boolean } | { ok: false; reason: string /** When the limiting cap frees up. */; freesAt?: Date };

/** How a call ended, for the ledger. */
export type SettlementKind = 'billed' | 'unbilled' | 'unknown';

export interface Settlement {
  kind: SettlementKind;
  usage?: TokenUsage;
  /** Computed by the caller from the reservation's price (see `reservationPrice`). */
  costMicro: number;
  /**
   * Cap (micro-USD) of a counter the reservation holds money on; `undefined` = uncapped.
   * Given: a settlement that leaves spent + reserved above a cap is recorded as an overshoot
   * and closes that counter. @defaultValue every counter uncapped
   */
  capOf?: (scope: string, period: string) => number | undefined;
}

/** A counter a settlement pushed past its cap (the call cost more than its reservation held). */
export interface Overshoot {
  attemptId: string;
  scope: string;
  period: string;
  capMicro: number;
  spentMicro: number;
  reservedMicro: number;
  /** spent + reserved − cap. */
  overMicro: number;
  heldMicro: number;
  costMicro: number;
}

export interface SettledRow {
  costMicroUsd: number;
  priceVersion: string;
  kind: SettlementKind | 'abandoned';
  /** Counters whose spend changed (for alerts). */
  touched: { scope: string; period: string }[];
  /** Counters this settlement pushed past their cap (recorded in `budget_overshoots`; each is now closed). */
  overshoots: Overshoot[];
}

interface ReservationRow {
  attempt_id: string;
  amount_micro_usd: string;
  counter_keys: { scope: string; period: string }[];
  price: ModelPrice;
  price_version: string;
  priced_at: Date;
  status: 'open' | 'settled' | 'released' | 'abandoned';
}

interface CounterRow {
  scope: string;
  period: string;
  spent_micro_usd: string;
  reserved_micro_usd: string;
  closed_cap_micro_usd: string | null;
}

/**
 * After money moved into spend: every capped counter left with spent + reserved above its
 * cap gets a `budget_overshoots` row and is closed (`closed_cap_micro_usd` = the cap), so
 * no reservation passes it again until its period rolls over or the cap is raised.
 */
const recordOvershoots = async (
  client: Queryable,
  attemptId: string,
  keys: { scope: string; period: string }[],
  capOf: Settlement['capOf'],
  money: { heldMicro: number; costMicro: number },
): Promise<Overshoot[]> => {
  if (!capOf || money.costMicro <= money.heldMicro) return [];
  const { scopes, periods } = keyList(keys);
  const rows = (
    await client.query<CounterRow>(`SELECT c.* FROM budget_counters c JOIN unnest($1::text[], $2::text[]) AS k(s, p) ON c.scope = k.s AND c.period = k.p`, [scopes, periods])
  ).rows;
  const overshoots: Overshoot[] = [];
  for (const row of rows) {
    const capMicro = capOf(row.scope, row.period);
    if (capMicro === undefined) continue;
    const spentMicro = Number(row.spent_micro_usd);
    const reservedMicro = Number(row.reserved_micro_usd);
    if (spentMicro + reservedMicro <= capMicro) continue;
    const overshoot = { attemptId, scope: row.scope, period: row.period, capMicro, spentMicro, reservedMicro, overMicro: spentMicro + reservedMicro - capMicro, ...money };
    await client.query(
      `INSERT INTO budget_overshoots (attempt_id, scope, period, cap_micro_usd, spent_micro_usd, reserved_micro_usd, over_micro_usd, held_micro_usd, cost_micro_usd)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
      [attemptId, row.scope, row.period, capMicro, spentMicro, reservedMicro, overshoot.overMicro, money.heldMicro, money.costMicro],
    );
    await client.query(
      `UPDATE budget_counters SET closed_at = coalesce(closed_at, now()), closed_cap_micro_usd = GREATEST(coalesce(closed_cap_micro_usd, 0), $3::bigint)
       WHERE scope = $1 AND period = $2`,
      [row.scope, row.period, capMicro],
    );
    overshoots.push(overshoot);
  }
  return overshoots;
};

const keyList = (keys: { scope: string; period: string }[]) => ({
  scopes: keys.map((key) => key.scope),
  periods: keys.map((key) => key.period),
});

/** Adds to counters, one statement for all (rows exist: created at reservation). */
const adjustCounters = async (client: Queryable, keys: { scope: string; period: string }[], spentDelta: number, reservedDelta: number) => {
  const { scopes, periods } = keyList(keys);
  await client.query(
    `INSERT INTO budget_counters (scope, period, spent_micro_usd, reserved_micro_usd)
     SELECT s, p, $3::bigint, $4::bigint FROM unnest($1::text[], $2::text[]) AS k(s, p)
     ON CONFLICT (scope, period) DO UPDATE SET
       spent_micro_usd = budget_counters.spent_micro_usd + EXCLUDED.spent_micro_usd,
       reserved_micro_usd = GREATEST(0, budget_counters.reserved_micro_usd + EXCLUDED.reserved_micro_usd)`,
    [scopes, periods, spentDelta, reservedDelta],
  );
};

const insertLedger = async (
  client: Queryable,
  call: CallIdentity,
  row: { kind: string; usage?: TokenUsage; costMicro: number; reservedMicro: number; priceVersion: string; pricedAt: Date },
): Promise<boolean> => {
  const inserted = await client.query(
    `INSERT INTO spend_ledger (attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model, kind,
       input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
       cost_micro_usd, reserved_micro_usd, price_version, priced_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
     ON CONFLICT (attempt_id) DO NOTHING`,
    [
      call.attemptId,
      call.jobId,
      call.batchId,
      call.tenant,
      call.tier,
      call.provider,
      call.endpoint,
      call.model,
      row.kind,
      row.usage?.inputTokens ?? null,
      row.usage?.outputTokens ?? null,
      row.usage?.cachedInputTokens ?? null,
      row.usage?.cacheWriteTokens ?? null,
      row.usage?.reasoningTokens ?? null,
      row.costMicro,
      row.reservedMicro,
      row.priceVersion,
      row.pricedAt,
    ],
  );
  return (inserted.rowCount ?? 0) > 0;
};

/** How long a `promptTokenRatio` read from Postgres is reused (a settle here can only raise it). */
const RATIO_TTL_MS = 5_000;

/**
 * The reservation as ONE conditional statement (a named, prepared one): it locks the
 * attempt's counters (in scope/period order, as every writer does), checks every capped one
 * (not closed at this cap or above, the amount within what remains, not under the
 * local-only share, within the largest single reservation) and only then adds the amount to
 * all of them and writes the reservation. `ok` false with `found` below the number of keys:
 * a counter does not exist yet (nothing was written). Otherwise false: refused or a repeat;
 * the caller's transaction finds out which.
 */
const reserveStatement = (db: Queryable, request: ReservationRequest, scopes: string[], periods: string[]) => againOnDeadlock(() => reserveOnce(db, request, scopes, periods));

/**
 * Runs a single statement (or a whole transaction) again when Postgres aborted it as a deadlock
 * victim (a settle moving money on the same counters locked them in the other order): an aborted
 * statement did nothing, an aborted transaction was rolled back.
 */
const againOnDeadlock = async <T>(work: () => Promise<T>, tries = 3): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '40P01' && tries > 1) return againOnDeadlock(work, tries - 1);
    throw error;
  }
};

const reserveOnce = async (db: Queryable, request: ReservationRequest, scopes: string[], periods: string[]) => {
  const caps = request.keys.map((key) => (key.capMicro === undefined ? null : String(key.capMicro)));
  const { rows } = await db.query<{ ok: boolean; found: number }>({
    name: 'eaio_reserve_v2',
    text: `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS k(scope, period, cap)),
        c AS (SELECT c.scope, c.period, c.spent_micro_usd AS spent, c.reserved_micro_usd AS reserved, c.closed_cap_micro_usd AS closed_cap, k.cap
              FROM budget_counters c JOIN k ON c.scope = k.scope AND c.period = k.period
              ORDER BY c.scope, c.period FOR UPDATE OF c),
        v AS (SELECT c.*, greatest(0, c.cap - (greatest(0, c.spent) + greatest(0, c.reserved))) AS remaining FROM c WHERE c.cap IS NOT NULL),
        go AS (SELECT (SELECT count(*) FROM c) = cardinality($1::text[])
                 AND NOT EXISTS (SELECT 1 FROM budget_reservations WHERE attempt_id = $5)
                 AND NOT EXISTS (SELECT 1 FROM v WHERE (v.closed_cap IS NOT NULL AND v.cap <= v.closed_cap)
                   OR $4::bigint > v.remaining OR v.remaining <= 0 OR v.remaining < v.cap * $6::float8
                   OR $4::bigint > floor(v.remaining * $7::float8)) AS ok),
        ins AS (INSERT INTO budget_reservations (attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model,
                  amount_micro_usd, counter_keys, price, price_version, priced_at, expires_at, prompt_tokens_counted, prompt_tokens_reserved)
                SELECT $5, $8, $9, $10, $11, $12, $13, $14, $4::bigint, $15::jsonb, $16::jsonb, $17, $18::timestamptz, $19::timestamptz, $20::int, $21::int
                WHERE (SELECT ok FROM go) ON CONFLICT (attempt_id) DO NOTHING RETURNING 1),
        -- Money moves only when this statement wrote the reservation (a concurrent duplicate of
        -- the attempt id finds it on conflict and changes nothing).
        up AS (UPDATE budget_counters b SET reserved_micro_usd = greatest(0, b.reserved_micro_usd + $4::bigint),
                 closed_at = CASE WHEN c.closed_cap IS NOT NULL AND c.cap > c.closed_cap THEN NULL ELSE b.closed_at END,
                 closed_cap_micro_usd = CASE WHEN c.closed_cap IS NOT NULL AND c.cap > c.closed_cap THEN NULL ELSE b.closed_cap_micro_usd END
               FROM c WHERE b.scope = c.scope AND b.period = c.period AND EXISTS (SELECT 1 FROM ins) RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM ins) AND (SELECT count(*) FROM up) = cardinality($1::text[]) AS ok, (SELECT count(*) FROM c)::int AS found`,
    values: [
      scopes,
      periods,
      caps,
      request.amountMicro,
      request.attemptId,
      request.localOnlyBelowShare,
      request.maxReservationShare,
      request.jobId,
      request.batchId,
      request.tenant,
      request.tier,
      request.provider,
      request.endpoint,
      request.model,
      JSON.stringify(request.keys.map(({ scope, period }) => ({ scope, period }))),
      JSON.stringify(request.price),
      request.priceVersion,
      request.pricedAt,
      request.expiresAt,
      request.promptTokensCounted ?? null,
      request.promptTokensReserved ?? null,
    ],
  } as never);
  return { ok: rows[0].ok === true, found: rows[0].found };
};

/**
 * Settling an OPEN reservation as one statement (named, prepared): the reservation
 * `settled`, its ledger row, and the money moved from reserved to spent on every counter it
 * holds. Returns `undefined` when the reservation is not open (a repeat, released or
 * abandoned: the caller's transaction handles those) or unknown.
 */
const settleStatement = (db: Queryable, attemptId: string, settlement: Settlement): Promise<SettleFast | undefined> => againOnDeadlock(() => settleOnce(db, attemptId, settlement));

interface SettleFast {
  settled: SettledRow;
  money: { heldMicro: number; costMicro: number };
  overshootRisk: boolean;
  ratio: { provider: string; model: string; ratio: number } | undefined;
}

const settleOnce = async (db: Queryable, attemptId: string, settlement: Settlement): Promise<SettleFast | undefined> => {
  const usage = settlement.usage;
  const { rows } = await db.query<{
    amount: string;
    price_version: string;
    counter_keys: { scope: string; period: string }[];
    cost: string;
    provider: string;
    model: string;
    prompt_tokens_counted: number | null;
  }>({
    name: 'eaio_settle_v1',
    text: `WITH r AS (UPDATE budget_reservations SET status = 'settled', closed_at = now()
                 WHERE attempt_id = $1 AND status = 'open' RETURNING *),
        money AS (SELECT r.*, CASE WHEN $2 = 'unknown' THEN r.amount_micro_usd ELSE $3::bigint END AS cost FROM r),
        l AS (INSERT INTO spend_ledger (attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model, kind,
                input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
                cost_micro_usd, reserved_micro_usd, price_version, priced_at)
              SELECT attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model, $2,
                $4::int, $5::int, $6::int, $7::int, $8::int, cost, amount_micro_usd, price_version, priced_at FROM money
              ON CONFLICT (attempt_id) DO NOTHING RETURNING 1),
        c AS (UPDATE budget_counters b SET spent_micro_usd = b.spent_micro_usd + m.cost,
                reserved_micro_usd = greatest(0, b.reserved_micro_usd - m.amount_micro_usd)
              FROM money m, jsonb_to_recordset(m.counter_keys) AS k(scope text, period text)
              WHERE b.scope = k.scope AND b.period = k.period RETURNING 1)
        SELECT amount_micro_usd AS amount, price_version, counter_keys, cost, provider, model, prompt_tokens_counted,
          (SELECT count(*) FROM c) AS counted FROM money`,
    values: [
      attemptId,
      settlement.kind,
      settlement.costMicro,
      usage?.inputTokens ?? null,
      usage?.outputTokens ?? null,
      usage?.cachedInputTokens ?? null,
      usage?.cacheWriteTokens ?? null,
      usage?.reasoningTokens ?? null,
    ],
  } as never);
  const row = rows[0];
  if (!row) return undefined;
  const amount = Number(row.amount);
  const cost = Number(row.cost);
  const settled: SettledRow = { costMicroUsd: cost, priceVersion: row.price_version, kind: settlement.kind, touched: row.counter_keys, overshoots: [] };
  const ratio =
    settlement.kind === 'billed' && usage?.inputTokens !== undefined && row.prompt_tokens_counted
      ? { provider: row.provider, model: row.model, ratio: usage.inputTokens / row.prompt_tokens_counted }
      : undefined;
  return { settled, money: { heldMicro: amount, costMicro: cost }, overshootRisk: cost > amount, ratio };
};

/**
 * The money ledger in Postgres: reservations, counters and one `spend_ledger` row per
 * provider call, keyed by attempt id. Every change runs in one transaction that locks
 * the counters it touches (always in the same order), so any number of worker
 * processes share one hard cap.
 */
export interface SpendLedger {
  /** Atomically checks every capped counter and holds `amountMicro` on all of them. Same attempt id again: the open reservation is returned. */
  reserve(request: ReservationRequest): Promise<ReservationOutcome>;
  /** Reservation of an attempt (its price and version), `undefined` when none. */
  reservation(attemptId: string): Promise<{ price: ModelPrice; priceVersion: string; pricedAt: Date; amountMicro: number; status: string } | undefined>;
  /**
   * Writes the attempt's ledger row (once) and moves the reservation into spend.
   * Idempotent: a second settle returns the first result. Settling an `abandoned`
   * reservation with known usage corrects the worst-case charge to the actual cost.
   */
  settle(attemptId: string, settlement: Settlement): Promise<SettledRow>;
  /** Gives a reservation back without a ledger row (no call was made). False when none was open. */
  release(attemptId: string): Promise<boolean>;
  /**
   * Sweeper: every open reservation whose expiry passed becomes `abandoned` with a
   * ledger row charged at the reserved worst case (the call may have reached the
   * provider). Returns how many, and the counters touched.
   */
  releaseExpired(now: Date): Promise<{ count: number; touched: { scope: string; period: string }[] }>;
  /** Current counters for these keys (0 when absent); `closedCapMicro` set while closed by an overshoot at that cap. */
  counters(keys: { scope: string; period: string }[]): Promise<{ scope: string; period: string; spentMicro: number; reservedMicro: number; closedCapMicro: number | undefined }[]>;
  /**
   * Largest ratio of the provider's reported prompt tokens to our o200k count over the
   * model's last `window` billed calls; `undefined` before any.
   */
  promptTokenRatio(provider: string, model: string, window?: number): Promise<number | undefined>;
}

export const createSpendLedger = (db: TransactionalDb): SpendLedger => {
  const lockReservation = async (client: Queryable, attemptId: string) =>
    (await client.query<ReservationRow & CallRow>('SELECT * FROM budget_reservations WHERE attempt_id = $1 FOR UPDATE', [attemptId])).rows[0];

  /**
   * Reservations this process made and has not settled yet: `settle` in the same worker reads
   * the price from here instead of a round trip (another process's reservation is read from Postgres).
   */
  const reservedHere = new Map<string, { price: ModelPrice; priceVersion: string; pricedAt: Date; amountMicro: number; status: string }>();
  const rememberReservation = (request: ReservationRequest) => {
    if (reservedHere.size > 10_000) reservedHere.clear();
    reservedHere.set(request.attemptId, { price: request.price, priceVersion: request.priceVersion, pricedAt: request.pricedAt, amountMicro: request.amountMicro, status: 'open' });
  };

  /**
   * `promptTokenRatio` per provider/model/window, read from Postgres at most every
   * RATIO_TTL_MS; a call settled here with a larger ratio raises it at once, so a cached
   * value only ever errs high (a larger reservation), never low.
   */
  const ratios = new Map<string, { ratio: number | undefined; until: number; provider: string; model: string }>();
  const noteRatio = (seen: { provider: string; model: string; ratio: number } | undefined) => {
    if (!seen) return;
    for (const entry of ratios.values()) {
      if (entry.provider === seen.provider && entry.model === seen.model && (entry.ratio === undefined || seen.ratio > entry.ratio)) entry.ratio = seen.ratio;
    }
  };

  const methods = {
    async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
      const { scopes, periods } = keyList(request.keys);
      const first = await reserveStatement(db, request, scopes, periods);
      if (first.ok) {
        rememberReservation(request);
        return { ok: true, reservedMicroUsd: request.amountMicro, repeated: false };
      }
      if (first.found < request.keys.length) {
        // A counter of a new period or scope: create it, then the same one statement again.
        await db.query(`INSERT INTO budget_counters (scope, period) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [scopes, periods]);
        const again = await reserveStatement(db, request, scopes, periods);
        if (again.ok) {
          rememberReservation(request);
          return { ok: true, reservedMicroUsd: request.amountMicro, repeated: false };
        }
      }
      // Refused, or a repeat of the attempt id: the transaction below says why (and reopens a
      // counter whose cap was raised above the one it was closed at).
      return reserveInTransaction(request);
    },
  };
  // A deadlock victim's transaction was rolled back whole, so it is safe to run again.
  const reserveInTransaction = (request: ReservationRequest): Promise<ReservationOutcome> => againOnDeadlock(() => reserveInTransactionOnce(request), 5);
  const reserveInTransactionOnce = (request: ReservationRequest): Promise<ReservationOutcome> =>
    inTransaction(db, async (client) => {
      const { scopes, periods } = keyList(request.keys);
      await client.query(`INSERT INTO budget_counters (scope, period) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [scopes, periods]);
      const locked = await client.query<CounterRow>(
        `SELECT c.* FROM budget_counters c JOIN unnest($1::text[], $2::text[]) AS k(s, p) ON c.scope = k.s AND c.period = k.p
           ORDER BY c.scope, c.period FOR UPDATE OF c`,
        [scopes, periods],
      );
      const existing = await lockReservation(client, request.attemptId);
      if (existing) {
        return existing.status === 'open'
          ? { ok: true, reservedMicroUsd: Number(existing.amount_micro_usd), repeated: true }
          : { ok: false, reason: `attempt ${request.attemptId} was already ${existing.status}; a new call needs a new attempt id` };
      }
      for (const key of request.keys) {
        if (key.capMicro === undefined) continue;
        const row = locked.rows.find((item) => item.scope === key.scope && item.period === key.period);
        if (row?.closed_cap_micro_usd != null) {
          if (key.capMicro <= Number(row.closed_cap_micro_usd)) {
            return {
              ok: false,
              reason: `${key.name} closed after an overshoot (spent ${formatUsd(Number(row.spent_micro_usd), 2)} of ${formatUsd(key.capMicro, 2)}): API calls stop until the period ends or the cap is raised`,
              freesAt: key.endsAt,
            };
          }
          // A person raised the cap above the one that was passed: the counter reopens.
          await client.query('UPDATE budget_counters SET closed_at = NULL, closed_cap_micro_usd = NULL WHERE scope = $1 AND period = $2', [key.scope, key.period]);
        }
        const standing = budgetStanding(key.capMicro, Number(row?.spent_micro_usd ?? 0), Number(row?.reserved_micro_usd ?? 0), request);
        const left = `${formatUsd(standing.remainingMicro)} of ${formatUsd(key.capMicro, 2)} left`;
        if (request.amountMicro > standing.remainingMicro) {
          return { ok: false, reason: `${key.name} exhausted: ${left}, call may cost ${formatUsd(request.amountMicro)}`, freesAt: key.endsAt };
        }
        if (standing.localOnly) {
          return { ok: false, reason: `${key.name} nearly spent (${left}, under ${Math.round(request.localOnlyBelowShare * 100)}%): API calls paused`, freesAt: key.endsAt };
        }
        if (request.amountMicro > standing.maxReservationMicro) {
          return {
            ok: false,
            reason: `call may cost ${formatUsd(request.amountMicro)}, more than ${Math.round(request.maxReservationShare * 100)}% of what remains of the ${key.name} (${left})`,
            freesAt: key.endsAt,
          };
        }
      }
      await adjustCounters(client, request.keys, 0, request.amountMicro);
      await client.query(
        `INSERT INTO budget_reservations (attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model,
             amount_micro_usd, counter_keys, price, price_version, priced_at, expires_at, prompt_tokens_counted, prompt_tokens_reserved)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
        [
          request.attemptId,
          request.jobId,
          request.batchId,
          request.tenant,
          request.tier,
          request.provider,
          request.endpoint,
          request.model,
          request.amountMicro,
          JSON.stringify(request.keys.map(({ scope, period }) => ({ scope, period }))),
          JSON.stringify(request.price),
          request.priceVersion,
          request.pricedAt,
          request.expiresAt,
          request.promptTokensCounted ?? null,
          request.promptTokensReserved ?? null,
        ],
      );
      return { ok: true, reservedMicroUsd: request.amountMicro, repeated: false };
    });
  return {
    ...methods,
    async reservation(attemptId) {
      const known = reservedHere.get(attemptId);
      if (known) return known;
      const row = (await db.query<ReservationRow>('SELECT * FROM budget_reservations WHERE attempt_id = $1', [attemptId])).rows[0];
      return row && { price: row.price, priceVersion: row.price_version, pricedAt: row.priced_at, amountMicro: Number(row.amount_micro_usd), status: row.status };
    },

    async settle(attemptId, settlement) {
      reservedHere.delete(attemptId);
      // The common case (an open reservation) in one statement; a repeat, a released or an
      // abandoned reservation takes the transaction below.
      const fast = await settleStatement(db, attemptId, settlement);
      if (fast) {
        noteRatio(fast.ratio);
        const overshoots = fast.overshootRisk ? await recordOvershoots(db, attemptId, fast.settled.touched, settlement.capOf, fast.money) : [];
        return { ...fast.settled, overshoots };
      }
      return inTransaction(db, async (client) => {
        const reservation = await lockReservation(client, attemptId);
        if (!reservation) throw new Error(`settle: no reservation for attempt ${attemptId}; reserve before calling a paid API`);
        const call = callOf(reservation);
        const keys = reservation.counter_keys;
        const amount = Number(reservation.amount_micro_usd);
        const base = { priceVersion: reservation.price_version, pricedAt: reservation.priced_at, reservedMicro: amount };
        const cost = settlement.kind === 'unknown' ? amount : settlement.costMicro;

        if (reservation.status === 'open' || reservation.status === 'released') {
          // `released` then settled: a call was made after all; charge it, hold nothing.
          await insertLedger(client, call, { ...base, kind: settlement.kind, usage: settlement.usage, costMicro: cost });
          const held = reservation.status === 'open' ? amount : 0;
          await adjustCounters(client, keys, cost, -held);
          await client.query(`UPDATE budget_reservations SET status = 'settled', closed_at = now() WHERE attempt_id = $1`, [call.attemptId]);
          const overshoots = await recordOvershoots(client, call.attemptId, keys, settlement.capOf, { heldMicro: held, costMicro: cost });
          return { costMicroUsd: cost, priceVersion: reservation.price_version, kind: settlement.kind, touched: keys, overshoots };
        }
        const ledger = (
          await client.query<{ cost_micro_usd: string; kind: SettledRow['kind'] }>('SELECT cost_micro_usd, kind FROM spend_ledger WHERE attempt_id = $1 FOR UPDATE', [
            call.attemptId,
          ])
        ).rows[0];
        const charged = Number(ledger?.cost_micro_usd ?? 0);
        if (reservation.status === 'abandoned' && settlement.kind !== 'unknown' && ledger) {
          // The sweeper charged the worst case; the worker came back with the real outcome.
          await client.query(
            `UPDATE spend_ledger SET kind = $2, cost_micro_usd = $3, input_tokens = $4, output_tokens = $5,
               cached_input_tokens = $6, cache_write_tokens = $7, reasoning_tokens = $8 WHERE attempt_id = $1`,
            [
              call.attemptId,
              settlement.kind,
              cost,
              settlement.usage?.inputTokens ?? null,
              settlement.usage?.outputTokens ?? null,
              settlement.usage?.cachedInputTokens ?? null,
              settlement.usage?.cacheWriteTokens ?? null,
              settlement.usage?.reasoningTokens ?? null,
            ],
          );
          await adjustCounters(client, keys, cost - charged, 0);
          await client.query(`UPDATE budget_reservations SET status = 'settled', closed_at = now() WHERE attempt_id = $1`, [call.attemptId]);
          const overshoots = await recordOvershoots(client, call.attemptId, keys, settlement.capOf, { heldMicro: charged, costMicro: cost });
          return { costMicroUsd: cost, priceVersion: reservation.price_version, kind: settlement.kind, touched: keys, overshoots };
        }
        // Already settled: idempotent repeat.
        return { costMicroUsd: charged, priceVersion: reservation.price_version, kind: ledger?.kind ?? settlement.kind, touched: [], overshoots: [] };
      });
    },

    release: (attemptId) =>
      inTransaction(db, async (client) => {
        reservedHere.delete(attemptId);
        const reservation = await lockReservation(client, attemptId);
        if (reservation?.status !== 'open') return false;
        await adjustCounters(client, reservation.counter_keys, 0, -Number(reservation.amount_micro_usd));
        await client.query(`UPDATE budget_reservations SET status = 'released', closed_at = now() WHERE attempt_id = $1`, [attemptId]);
        return true;
      }),

    releaseExpired: (now) =>
      inTransaction(db, async (client) => {
        const expired = await client.query<ReservationRow & CallRow>(
          `SELECT * FROM budget_reservations WHERE status = 'open' AND expires_at <= $1
           ORDER BY attempt_id FOR UPDATE SKIP LOCKED LIMIT 1000`,
          [now],
        );
        const touched: { scope: string; period: string }[] = [];
        for (const row of expired.rows) {
          const amount = Number(row.amount_micro_usd);
          await insertLedger(client, callOf(row), { kind: 'abandoned', costMicro: amount, reservedMicro: amount, priceVersion: row.price_version, pricedAt: row.priced_at });
          await adjustCounters(client, row.counter_keys, amount, -amount);
          touched.push(...row.counter_keys);
        }
        if (expired.rows.length > 0) {
          await client.query(`UPDATE budget_reservations SET status = 'abandoned', closed_at = now() WHERE attempt_id = ANY($1::text[])`, [
            expired.rows.map((row) => row.attempt_id),
          ]);
        }
        return { count: expired.rows.length, touched };
      }),

    async counters(keys) {
      const { scopes, periods } = keyList(keys);
      const rows = (
        await db.query<CounterRow>(`SELECT c.* FROM budget_counters c JOIN unnest($1::text[], $2::text[]) AS k(s, p) ON c.scope = k.s AND c.period = k.p`, [scopes, periods])
      ).rows;
      return keys.map(({ scope, period }) => {
        const row = rows.find((item) => item.scope === scope && item.period === period);
        return {
          scope,
          period,
          spentMicro: Number(row?.spent_micro_usd ?? 0),
          reservedMicro: Number(row?.reserved_micro_usd ?? 0),
          closedCapMicro: row?.closed_cap_micro_usd == null ? undefined : Number(row.closed_cap_micro_usd),
        };
      });
    },

    async promptTokenRatio(provider, model, window = 200) {
      const key = `${provider}\u0000${model}\u0000${window}`;
      const cached = ratios.get(key);
      if (cached && cached.until > Date.now()) return cached.ratio;
      const row = (
        await db.query<{ ratio: number | null }>(
          `SELECT max(l.input_tokens::float8 / r.prompt_tokens_counted) AS ratio
         FROM (SELECT attempt_id, prompt_tokens_counted FROM budget_reservations
               WHERE provider = $1 AND model = $2 AND status = 'settled' AND prompt_tokens_counted IS NOT NULL AND prompt_tokens_counted > 0
               ORDER BY closed_at DESC LIMIT $3) r
         JOIN spend_ledger l ON l.attempt_id = r.attempt_id
         WHERE l.kind = 'billed' AND l.input_tokens IS NOT NULL`,
          [provider, model, window],
        )
      ).rows[0];
      const ratio = row?.ratio == null ? undefined : Number(row.ratio);
      ratios.set(key, { ratio, until: Date.now() + RATIO_TTL_MS, provider, model });
      return ratio;
    },
  };
};

interface CallRow {
  job_id: string;
  batch_id: string;
  tenant: string;
  tier: string;
  provider: string;
  endpoint: string;
  model: string;
}
const callOf = (row: ReservationRow & CallRow): CallIdentity => ({
  attemptId: row.attempt_id,
  jobId: row.job_id,
  batchId: row.batch_id,
  tenant: row.tenant,
  tier: row.tier,
  provider: row.provider,
  endpoint: row.endpoint,
  model: row.model,
});
