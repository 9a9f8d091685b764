import type { BudgetsConfig } from '@eaio/core';
import { Counter, type Registry } from 'prom-client';
import { capOf } from './budget-scopes';
import { formatUsd } from './money';
import type { Queryable } from './queryable';
import type { Overshoot } from './spend-ledger';
import type { SpendLogger } from './spend-logger';

export interface BudgetAlertOptions {
  db: Queryable;
  budgets: BudgetsConfig;
  logger: SpendLogger;
  /** Registry for `eaio_budget_alerts_total{scope}`. @defaultValue none (no metric) */
  registry?: Registry;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Webhook POST timeout. @defaultValue `5000` */
  webhookTimeoutMs?: number;
}

export interface BudgetAlert {
  scope: string;
  period: string;
  spentMicro: number;
  capMicro: number;
  usedShare: number;
  message: string;
}

export interface BudgetAlerter {
  /** Fires (once per scope + period, across all processes) for every counter whose settled spend reached the alert threshold. */
  check(keys: { scope: string; period: string }[]): Promise<BudgetAlert[]>;
  /**
   * A settlement passed a cap (the call cost more than was reserved): always alerts, once
   * per call and counter — `eaio_budget_overshoots_total{scope}`, an error log line, the webhook.
   */
  overshoot(overshoot: Overshoot): Promise<BudgetAlert>;
}

const METRIC = 'eaio_budget_alerts_total';
const OVERSHOOT_METRIC = 'eaio_budget_overshoots_total';

const overshootCounter = (registry: Registry): Counter<'scope'> =>
  (registry.getSingleMetric(OVERSHOOT_METRIC) as Counter<'scope'> | undefined) ??
  new Counter({
    name: OVERSHOOT_METRIC,
    help: 'Settlements that pushed a budget past its cap (a call cost more than its reservation), by scope',
    labelNames: ['scope'],
    registers: [registry],
  });

const alertCounter = (registry: Registry): Counter<'scope'> =>
  (registry.getSingleMetric(METRIC) as Counter<'scope'> | undefined) ??
  new Counter({ name: METRIC, help: 'Budget alerts fired (spend passed COST_ALERT_THRESHOLD), by scope', labelNames: ['scope'], registers: [registry] });

/**
 * Budget alerts: a log line, a Prometheus counter and an optional webhook POST
 * (Slack-style `{ text }` plus fields). `budget_alerts` holds one row per scope and
 * period, so each alert fires once however many workers see the crossing. The webhook
 * URL is a secret: it never appears in logs or errors.
 */
export const createBudgetAlerter = (options: BudgetAlertOptions): BudgetAlerter => {
  const counter = options.registry ? alertCounter(options.registry) : undefined;
  const overshoots = options.registry ? overshootCounter(options.registry) : undefined;
  const post = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.webhookTimeoutMs ?? 5000;

  const send = async (alert: BudgetAlert) => {
    const url = options.budgets.alertWebhookUrl;
    if (url === undefined) return;
    try {
      const response = await post(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: alert.message, ...alert }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) options.logger.warn({ status: response.status, scope: alert.scope }, 'budget alert webhook refused the alert');
    } catch (error) {
      options.logger.warn({ scope: alert.scope, error: error instanceof Error ? error.name : 'unknown' }, 'budget alert webhook failed');
    }
  };

  return {
    async overshoot(event) {
      const usedShare = (event.spentMicro + event.reservedMicro) / event.capMicro;
      const message =
        `eaio budget OVERSHOOT: ${event.scope} ${event.period} at ${formatUsd(event.spentMicro + event.reservedMicro, 2)} of ${formatUsd(event.capMicro, 2)} ` +
        `(${formatUsd(event.overMicro)} over; call ${event.attemptId} cost ${formatUsd(event.costMicro)}, reserved ${formatUsd(event.heldMicro)}); closed to new API calls until the period ends or the cap is raised`;
      const alert = { scope: event.scope, period: event.period, spentMicro: event.spentMicro, capMicro: event.capMicro, usedShare, message };
      options.logger.error(
        { scope: event.scope, period: event.period, spentMicro: event.spentMicro, reservedMicro: event.reservedMicro, capMicro: event.capMicro, overMicro: event.overMicro },
        message,
      );
      overshoots?.inc({ scope: event.scope });
      await send(alert);
      return alert;
    },

    async check(keys) {
      const unique = keys.filter((key, index) => keys.findIndex((other) => other.scope === key.scope && other.period === key.period) === index);
      const fired: BudgetAlert[] = [];
      for (const { scope, period } of unique) {
        const capMicro = capOf(options.budgets, scope, period);
        if (capMicro === undefined || capMicro <= 0) continue;
        const row = (await options.db.query<{ spent_micro_usd: string }>('SELECT spent_micro_usd FROM budget_counters WHERE scope = $1 AND period = $2', [scope, period])).rows[0];
        const spentMicro = Number(row?.spent_micro_usd ?? 0);
        const usedShare = spentMicro / capMicro;
        if (usedShare < options.budgets.alertThreshold) continue;
        const inserted = await options.db.query('INSERT INTO budget_alerts (scope, period, used_share) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [scope, period, usedShare]);
        if ((inserted.rowCount ?? 0) === 0) continue;
        const message = `eaio budget alert: ${scope} ${period} spent ${formatUsd(spentMicro, 2)} of ${formatUsd(capMicro, 2)} (${Math.round(usedShare * 100)}%, threshold ${Math.round(options.budgets.alertThreshold * 100)}%)`;
        const alert = { scope, period, spentMicro, capMicro, usedShare, message };
        options.logger.warn({ scope, period, spentMicro, capMicro, usedShare }, message);
        counter?.inc({ scope });
        await send(alert);
        fired.push(alert);
      }
      return fired;
    },
  };
};
