import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Database, Drizzle } from '../create-db';
import { budgetCounters, budgetReservations, spendLedger, type BudgetCounterKey, type ReservationStatus, type SpendKind } from '../schema';

type Transaction = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

/** A counter to hold money on, with its cap. */
export interface BudgetCounterCap extends BudgetCounterKey {
  /**
   * Cap in micro-USD, stored on the counter. `null`: uncapped.
   * @defaultValue the cap already stored on the counter (none: uncapped)
   */
  capMicro?: number | null;
}

export interface BudgetReservationInput {
  /** The idempotency key of the provider call the money is held for. */
  attemptId: string;
  jobId: string;
  batchId: string;
  tenant: string;
  tier: string;
  provider: string;
  endpoint: string;
  model: string;
  /** Worst-case cost of the call, micro-USD (≥ 0). */
  amountMicro: number;
  counters: BudgetCounterCap[];
  /** The price the amount was computed with; settlement must use the same one. */
  price: unknown;
  priceVersion: string;
  pricedAt: Date;
  /** After this the reservation counts as abandoned (see {@link releaseExpiredBudgets}). */
  expiresAt: Date;
}

/** One counter as stored. */
export interface BudgetCounterStanding extends BudgetCounterKey {
  capMicro: number | null;
  spentMicro: number;
  reservedMicro: number;
}

export type BudgetReserveResult =
  | { ok: true; amountMicro: number; /** The attempt already held this reservation. */ repeated: boolean }
  | { ok: false; reason: 'cap'; /** The first counter that had no room. */ counter: BudgetCounterStanding; amountMicro: number }
  | { ok: false; reason: 'closed'; /** The attempt's reservation is no longer open: a new call needs a new attempt id. */ status: ReservationStatus };

/** Token counts for the ledger row; `undefined` = not reported. */
export interface LedgerTokens {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface BudgetSettlement {
  /** `billed`: usage known; `unbilled`: the provider answered an error status ($0); `unknown`: outcome unknown (charged the reserved worst case). */
  kind: Exclude<SpendKind, 'abandoned'>;
  /** Actual cost in micro-USD (ignored for `unknown`). */
  costMicro: number;
  usage?: LedgerTokens;
}

export interface BudgetSettleResult {
  costMicro: number;
  kind: SpendKind;
  /** False when the attempt was already settled: nothing changed. */
  changed: boolean;
  /** Counters whose spend changed (for alerts). */
  touched: BudgetCounterKey[];
}

/** `settleBudget` for an attempt that never reserved. */
export class ReservationNotFoundError extends Error {
  private readonly marker = 'eaio.db.ReservationNotFoundError';
  constructor(readonly attemptId: string) {
    super(`no budget reservation for attempt ${attemptId}: reserve before calling a paid API`);
    this.name = 'ReservationNotFoundError';
  }
  static isInstance(error: unknown): error is ReservationNotFoundError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'eaio.db.ReservationNotFoundError';
  }
}

/** Thrown inside the reserve transaction to roll it back; never leaves this module. */
class CapReached extends Error {
  constructor(readonly counter: BudgetCounterStanding) {
    super('cap reached');
  }
}

const keyOf = (key: BudgetCounterKey) => `${key.scope}\u0000${key.period}`;

/** Distinct keys in one global order, so concurrent transactions lock counters without deadlock. */
const sortedKeys = <K extends BudgetCounterKey>(keys: K[]): K[] => {
  const unique = new Map<string, K>();
  for (const key of keys) unique.set(keyOf(key), key);
  return [...unique.values()].sort((a, b) => (a.scope === b.scope ? (a.period < b.period ? -1 : 1) : a.scope < b.scope ? -1 : 1));
};

const standingOf = (row: typeof budgetCounters.$inferSelect): BudgetCounterStanding => ({
  scope: row.scope,
  period: row.period,
  capMicro: row.capMicroUsd,
  spentMicro: row.spentMicroUsd,
  reservedMicro: row.reservedMicroUsd,
});

const counterWhere = (key: BudgetCounterKey) => and(eq(budgetCounters.scope, key.scope), eq(budgetCounters.period, key.period));

/** Adds to spent and reserved of each counter (reserved never below 0), creating missing counters. */
const adjustCounters = async (tx: Transaction, deltas: { key: BudgetCounterKey; spent: number; reserved: number }[]): Promise<void> => {
  const byKey = new Map(deltas.map((delta) => [keyOf(delta.key), delta]));
  for (const key of sortedKeys(deltas.map((delta) => delta.key))) {
    const delta = byKey.get(keyOf(key))!;
    await tx
      .insert(budgetCounters)
      .values({ scope: key.scope, period: key.period, spentMicroUsd: delta.spent, reservedMicroUsd: Math.max(0, delta.reserved) })
      .onConflictDoUpdate({
        target: [budgetCounters.scope, budgetCounters.period],
        set: {
          spentMicroUsd: sql`${budgetCounters.spentMicroUsd} + ${delta.spent}`,
          reservedMicroUsd: sql`GREATEST(0, ${budgetCounters.reservedMicroUsd} + ${delta.reserved})`,
        },
      });
  }
};

/** Sums per counter, so one transaction touches each counter once and in order. */
const mergeDeltas = (deltas: { key: BudgetCounterKey; spent: number; reserved: number }[]) => {
  const merged = new Map<string, { key: BudgetCounterKey; spent: number; reserved: number }>();
  for (const delta of deltas) {
    const found = merged.get(keyOf(delta.key));
    if (found) {
      found.spent += delta.spent;
      found.reserved += delta.reserved;
    } else merged.set(keyOf(delta.key), { key: { scope: delta.key.scope, period: delta.key.period }, spent: delta.spent, reserved: delta.reserved });
  }
  return [...merged.values()];
};

const lockReservation = async (tx: Transaction, attemptId: string) =>
  (await tx.select().from(budgetReservations).where(eq(budgetReservations.attemptId, attemptId)).for('update'))[0];

/**
 * Holds `amountMicro` on every counter, all or nothing, in one transaction. Each counter
 * is one atomic conditional UPDATE (`reserved += a WHERE cap IS NULL OR spent + reserved
 * + a <= cap`), taken in a fixed key order; the first counter without room rolls the
 * whole reservation back. Idempotent by attempt id: a second call for an open
 * reservation holds nothing more (`repeated`), one for a closed reservation is refused.
 */
export const reserveBudget = async (database: Database, input: BudgetReservationInput): Promise<BudgetReserveResult> => {
  if (!Number.isSafeInteger(input.amountMicro) || input.amountMicro < 0) {
    throw new RangeError(`reserveBudget: amountMicro must be a non-negative integer, got ${input.amountMicro}`);
  }
  const keys = sortedKeys(input.counters);
  try {
    return await database.db.transaction(async (tx): Promise<BudgetReserveResult> => {
      const claimed = await tx
        .insert(budgetReservations)
        .values({
          attemptId: input.attemptId,
          jobId: input.jobId,
          batchId: input.batchId,
          tenant: input.tenant,
          tier: input.tier,
          provider: input.provider,
          endpoint: input.endpoint,
          model: input.model,
          amountMicroUsd: input.amountMicro,
          counterKeys: keys.map(({ scope, period }) => ({ scope, period })),
          price: input.price ?? null,
          priceVersion: input.priceVersion,
          pricedAt: input.pricedAt,
          expiresAt: input.expiresAt,
        })
        .onConflictDoNothing()
        .returning({ attemptId: budgetReservations.attemptId });
      if (claimed.length === 0) {
        const [existing] = await tx
          .select({ status: budgetReservations.status, amount: budgetReservations.amountMicroUsd })
          .from(budgetReservations)
          .where(eq(budgetReservations.attemptId, input.attemptId));
        return existing.status === 'open'
          ? { ok: true, amountMicro: existing.amount, repeated: true }
          : { ok: false, reason: 'closed', status: existing.status };
      }
      if (keys.length > 0) {
        await tx
          .insert(budgetCounters)
          .values(keys.map((key) => ({ scope: key.scope, period: key.period, capMicroUsd: key.capMicro ?? null })))
          .onConflictDoNothing();
      }
      for (const key of keys) {
        const cap = key.capMicro === undefined ? sql`${budgetCounters.capMicroUsd}` : sql`${key.capMicro}::bigint`;
        const held = await tx
          .update(budgetCounters)
          .set({
            reservedMicroUsd: sql`${budgetCounters.reservedMicroUsd} + ${input.amountMicro}`,
            ...(key.capMicro === undefined ? {} : { capMicroUsd: key.capMicro }),
          })
          .where(
            and(
              counterWhere(key),
              sql`(${cap} IS NULL OR ${budgetCounters.spentMicroUsd} + ${budgetCounters.reservedMicroUsd} + ${input.amountMicro} <= ${cap})`,
            ),
          )
          .returning({ scope: budgetCounters.scope });
        if (held.length === 0) {
          const [row] = await tx.select().from(budgetCounters).where(counterWhere(key));
          throw new CapReached({ ...standingOf(row), capMicro: key.capMicro === undefined ? row.capMicroUsd : key.capMicro });
        }
      }
      return { ok: true, amountMicro: input.amountMicro, repeated: false };
    });
  } catch (error) {
    if (error instanceof CapReached) return { ok: false, reason: 'cap', counter: error.counter, amountMicro: input.amountMicro };
    throw error;
  }
};

const ledgerTokens = (usage: LedgerTokens | undefined) => ({
  inputTokens: usage?.inputTokens ?? null,
  outputTokens: usage?.outputTokens ?? null,
  cachedInputTokens: usage?.cachedInputTokens ?? null,
  cacheWriteTokens: usage?.cacheWriteTokens ?? null,
  reasoningTokens: usage?.reasoningTokens ?? null,
});

type ReservationRow = typeof budgetReservations.$inferSelect;

const ledgerRow = (reservation: ReservationRow, kind: SpendKind, costMicro: number, usage?: LedgerTokens) => ({
  attemptId: reservation.attemptId,
  jobId: reservation.jobId,
  batchId: reservation.batchId,
  tenant: reservation.tenant,
  tier: reservation.tier,
  provider: reservation.provider,
  endpoint: reservation.endpoint,
  model: reservation.model,
  kind,
  ...ledgerTokens(usage),
  costMicroUsd: costMicro,
  reservedMicroUsd: reservation.amountMicroUsd,
  priceVersion: reservation.priceVersion,
  pricedAt: reservation.pricedAt,
});

/**
 * Turns the attempt's reservation into spend: writes its one `spend_ledger` row and moves
 * the held amount out of `reserved` and the cost into `spent`, in one transaction.
 * Idempotent: settling a settled attempt changes nothing and returns the stored charge.
 * A `released` reservation is charged without releasing again (a call was made after
 * all); an `abandoned` one (charged the worst case by the sweeper) is corrected to the
 * real cost when the outcome is known.
 * @throws ReservationNotFoundError when the attempt never reserved.
 */
export const settleBudget = async (database: Database, attemptId: string, settlement: BudgetSettlement): Promise<BudgetSettleResult> =>
  database.db.transaction(async (tx) => {
    const reservation = await lockReservation(tx, attemptId);
    if (!reservation) throw new ReservationNotFoundError(attemptId);
    const keys = reservation.counterKeys;
    const cost = settlement.kind === 'unknown' ? reservation.amountMicroUsd : settlement.costMicro;
    const close = () =>
      tx.update(budgetReservations).set({ status: 'settled', closedAt: sql`now()` }).where(eq(budgetReservations.attemptId, attemptId));

    if (reservation.status === 'open' || reservation.status === 'released') {
      const held = reservation.status === 'open' ? reservation.amountMicroUsd : 0;
      await tx.insert(spendLedger).values(ledgerRow(reservation, settlement.kind, cost, settlement.usage)).onConflictDoNothing();
      await adjustCounters(tx, keys.map((key) => ({ key, spent: cost, reserved: -held })));
      await close();
      return { costMicro: cost, kind: settlement.kind, changed: true, touched: keys };
    }
    const [ledger] = await tx.select().from(spendLedger).where(eq(spendLedger.attemptId, attemptId)).for('update');
    if (reservation.status === 'abandoned' && settlement.kind !== 'unknown' && ledger) {
      await tx
        .update(spendLedger)
        .set({ kind: settlement.kind, costMicroUsd: cost, ...ledgerTokens(settlement.usage) })
        .where(eq(spendLedger.attemptId, attemptId));
      await adjustCounters(tx, keys.map((key) => ({ key, spent: cost - ledger.costMicroUsd, reserved: 0 })));
      await close();
      return { costMicro: cost, kind: settlement.kind, changed: true, touched: keys };
    }
    return { costMicro: ledger?.costMicroUsd ?? 0, kind: ledger?.kind ?? settlement.kind, changed: false, touched: [] };
  });

/** Gives an open reservation back (no call was made; no ledger row). False when none was open. */
export const releaseBudget = async (database: Database, attemptId: string): Promise<boolean> =>
  database.db.transaction(async (tx) => {
    const reservation = await lockReservation(tx, attemptId);
    if (!reservation || reservation.status !== 'open') return false;
    await adjustCounters(tx, reservation.counterKeys.map((key) => ({ key, spent: 0, reserved: -reservation.amountMicroUsd })));
    await tx.update(budgetReservations).set({ status: 'released', closedAt: sql`now()` }).where(eq(budgetReservations.attemptId, attemptId));
    return true;
  });

export interface ReleaseExpiredOptions {
  /**
   * Most reservations handled per call; call again while `count` equals it.
   * @defaultValue 1000
   */
  limit?: number;
}

/**
 * Sweeper: every open reservation whose expiry passed becomes `abandoned`, with a ledger
 * row charged at the reserved worst case (its call may have reached the provider; a
 * late `settleBudget` with the real outcome corrects it). Rows locked by another
 * sweeper are skipped, so several may run at once. Returns how many, and the counters
 * whose spend changed.
 */
export const releaseExpiredBudgets = async (
  database: Database,
  now: Date,
  options: ReleaseExpiredOptions = {},
): Promise<{ count: number; touched: BudgetCounterKey[] }> =>
  database.db.transaction(async (tx) => {
    const expired = await tx
      .select()
      .from(budgetReservations)
      .where(and(eq(budgetReservations.status, 'open'), lte(budgetReservations.expiresAt, now)))
      .orderBy(asc(budgetReservations.attemptId))
      .limit(options.limit ?? 1000)
      .for('update', { skipLocked: true });
    if (expired.length === 0) return { count: 0, touched: [] };
    await tx
      .insert(spendLedger)
      .values(expired.map((row) => ledgerRow(row, 'abandoned', row.amountMicroUsd)))
      .onConflictDoNothing();
    const deltas = mergeDeltas(expired.flatMap((row) => row.counterKeys.map((key) => ({ key, spent: row.amountMicroUsd, reserved: -row.amountMicroUsd }))));
    await adjustCounters(tx, deltas);
    await tx
      .update(budgetReservations)
      .set({ status: 'abandoned', closedAt: sql`now()` })
      .where(inArray(budgetReservations.attemptId, expired.map((row) => row.attemptId)));
    return { count: expired.length, touched: deltas.map((delta) => delta.key) };
  });

/** Stored counters for these keys (zeros and no cap when absent), in the order asked. */
export const budgetCounterStandings = async (database: Database, keys: BudgetCounterKey[]): Promise<BudgetCounterStanding[]> => {
  if (keys.length === 0) return [];
  const rows = await database.db
    .select()
    .from(budgetCounters)
    .where(inArray(sql`(${budgetCounters.scope}, ${budgetCounters.period})`, keys.map((key) => sql`(${key.scope}, ${key.period})`)));
  const byKey = new Map(rows.map((row) => [keyOf(row), standingOf(row)]));
  return keys.map((key) => byKey.get(keyOf(key)) ?? { scope: key.scope, period: key.period, capMicro: null, spentMicro: 0, reservedMicro: 0 });
};

/** Sets (or with `null` removes) the cap stored on a counter, creating the counter if needed. */
export const setBudgetCap = async (database: Database, key: BudgetCounterKey, capMicro: number | null): Promise<void> => {
  await database.db
    .insert(budgetCounters)
    .values({ scope: key.scope, period: key.period, capMicroUsd: capMicro })
    .onConflictDoUpdate({ target: [budgetCounters.scope, budgetCounters.period], set: { capMicroUsd: capMicro } });
};
