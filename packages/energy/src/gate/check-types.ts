/** The checks of the quality gate, in the order they are reported. */
export const CHECK_NAMES = ['schema', 'complete', 'grounded', 'consistent', 'plausible', 'notRefusal'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckOutcome {
  /** 0..1 */
  score: number;
  issues: string[];
}

export interface CheckResult extends CheckOutcome {
  weight: number;
}
