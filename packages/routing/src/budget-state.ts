/** Shares at which a budget warns and turns routing local-only. */
export interface BudgetThresholds {
  /** Used share (0..1) at or above which `alert` is true. */
  alertThreshold: number;
  /** Remaining share (0..1) below which `localOnly` is true. */
  localOnlyBelowShare: number;
}

export interface BudgetState {
  /** Micro-USD left after spend and open reservations, never negative; `Infinity` without a cap. */
  remaining: number;
  /** Used share of the cap, (spent + reserved) / cap; may exceed 1; 0 without a cap. */
  share: number;
  /** `share >= alertThreshold`. */
  alert: boolean;
  /** Less than `localOnlyBelowShare` of the cap remains: route local-only. */
  localOnly: boolean;
  /** Nothing remains. */
  exhausted: boolean;
}

/**
 * Where one budget stands. All amounts are integer micro-USD; `cap` `undefined` means
 * no cap (never alerts, never local-only). A cap of 0 is exhausted from the start.
 */
export const budgetState = (cap: number | undefined, spent: number, reserved: number, thresholds: BudgetThresholds): BudgetState => {
  if (cap === undefined) return { remaining: Number.POSITIVE_INFINITY, share: 0, alert: false, localOnly: false, exhausted: false };
  const used = Math.max(0, spent) + Math.max(0, reserved);
  const remaining = Math.max(0, cap - used);
  const share = cap > 0 ? used / cap : 1;
  const remainingShare = cap > 0 ? remaining / cap : 0;
  return {
    remaining,
    share,
    alert: share >= thresholds.alertThreshold,
    localOnly: remaining <= 0 || remainingShare < thresholds.localOnlyBelowShare,
    exhausted: remaining <= 0,
  };
};

/** The largest single reservation allowed: `share` of what remains, rounded down. */
export const maxReservation = (remaining: number, share: number): number => {
  if (remaining === Number.POSITIVE_INFINITY) return remaining;
  return Math.max(0, Math.floor(remaining * share));
};

/** Several budgets (global monthly/daily, provider, tenant) seen together. */
export interface CombinedBudget {
  /** Smallest `remaining` of all. */
  remaining: number;
  alert: boolean;
  localOnly: boolean;
  exhausted: boolean;
  /** Names the budgets that force local-only / are exhausted, e.g. `daily budget 96% used`; `undefined` when none. */
  localOnlyReason: string | undefined;
}

/** Combines named budget states: the most restrictive wins. */
export const combineBudgets = (budgets: readonly { name: string; state: BudgetState }[]): CombinedBudget => {
  const limiting = budgets.filter(({ state }) => state.localOnly);
  return {
    remaining: budgets.reduce((least, { state }) => Math.min(least, state.remaining), Number.POSITIVE_INFINITY),
    alert: budgets.some(({ state }) => state.alert),
    localOnly: limiting.length > 0,
    exhausted: budgets.some(({ state }) => state.exhausted),
    localOnlyReason: limiting.length === 0
      ? undefined
      : `${limiting.map(({ name, state }) => `${name} ${Math.round(state.share * 100)}% used`).join(', ')}, so API spend is paused`,
  };
};
