import type { BudgetsConfig } from '@eaio/core';
import { usdToMicro } from './money';
import { periodsAt, type BudgetPeriod } from './budget-periods';

/** One counter a call is charged to: a scope (`global`, `provider:openai`, `tenant:acme`) in one period. */
export interface BudgetKey {
  scope: string;
  period: string;
  /** Cap in micro-USD; `undefined` = counted, not capped. */
  capMicro: number | undefined;
  endsAt: Date;
  /** Readable, e.g. `daily budget of tenant acme`. */
  name: string;
}

const label = (scope: string): string => {
  if (scope === 'global') return 'global';
  const [kind, value] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
  return `${kind} ${value}`;
};

const key = (scope: string, period: BudgetPeriod, capUsd: number | undefined): BudgetKey => ({
  scope,
  period: period.key,
  capMicro: capUsd === undefined ? undefined : usdToMicro(capUsd),
  endsAt: period.endsAt,
  name: `${period.kind === 'day' ? 'daily' : 'monthly'} budget (${label(scope)})`,
});

/**
 * The six counters one API call is charged to: global, its provider and its tenant,
 * each per day and per month (in `timezone`). Uncapped ones are counted too, so
 * reports and caps added later see real figures. Sorted, so every transaction locks
 * them in the same order (no deadlocks).
 */
export const budgetKeysFor = (budgets: BudgetsConfig, call: { provider: string; tenant: string }, at: Date, timezone: string): BudgetKey[] => {
  const { day, month } = periodsAt(at, timezone);
  const provider = budgets.perProvider[call.provider];
  const tenant = budgets.perTenant[call.tenant];
  return [
    key('global', day, budgets.dailyUsd),
    key('global', month, budgets.monthlyUsd),
    key(`provider:${call.provider}`, day, provider?.dailyUsd),
    key(`provider:${call.provider}`, month, provider?.monthlyUsd),
    key(`tenant:${call.tenant}`, day, tenant?.dailyUsd),
    key(`tenant:${call.tenant}`, month, tenant?.monthlyUsd),
  ].sort((a, b) => (a.scope === b.scope ? a.period.localeCompare(b.period) : a.scope.localeCompare(b.scope)));
};

/** Cap (micro-USD) of a stored counter key, from the config; `undefined` = uncapped. */
export const capOf = (budgets: BudgetsConfig, scope: string, period: string): number | undefined => {
  const caps =
    scope === 'global'
      ? budgets
      : scope.startsWith('provider:')
        ? budgets.perProvider[scope.slice('provider:'.length)]
        : scope.startsWith('tenant:')
          ? budgets.perTenant[scope.slice('tenant:'.length)]
          : undefined;
  const usd = period.startsWith('day:') ? caps?.dailyUsd : caps?.monthlyUsd;
  return usd === undefined ? undefined : usdToMicro(usd);
};
