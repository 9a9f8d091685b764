/** Where one capped counter stands (integer micro-USD). */
export interface BudgetStanding {
  /** Left after spend and open reservations, never negative. */
  remainingMicro: number;
  /** (spent + reserved) / cap; may pass 1. */
  usedShare: number;
  /** Less than `localOnlyBelowShare` of the cap remains. */
  localOnly: boolean;
  /** Largest single reservation allowed now: `maxReservationShare` of what remains, rounded down. */
  maxReservationMicro: number;
}

export const budgetStanding = (
  capMicro: number,
  spentMicro: number,
  reservedMicro: number,
  shares: { localOnlyBelowShare: number; maxReservationShare: number },
): BudgetStanding => {
  const used = Math.max(0, spentMicro) + Math.max(0, reservedMicro);
  const remainingMicro = Math.max(0, capMicro - used);
  return {
    remainingMicro,
    usedShare: capMicro > 0 ? used / capMicro : 1,
    localOnly: remainingMicro <= 0 || remainingMicro < capMicro * shares.localOnlyBelowShare,
    maxReservationMicro: Math.floor(remainingMicro * shares.maxReservationShare),
  };
};
