import type { BudgetsConfig, ModelPrice } from '@eaio/core';
import type { BudgetAlerter } from './budget-alerts';
import { budgetKeysFor, capOf } from './budget-scopes';
import { budgetStanding } from './budget-state';
import { settledCostMicro, worstCaseCostMicro } from './cost';
import { formatUsd } from './money';
import type { PriceCatalog } from './price-catalog';
import { estimatePromptTokens, measurePrompt, type PromptEstimateSettings } from './prompt-tokens';
import type { TransactionalDb } from './queryable';
import { createSpendLedger, type SettlementKind, type SpendLedger } from './spend-ledger';
import { silentSpendLogger, type SpendLogger } from './spend-logger';
import { UnknownPriceError } from './spend-errors';
import type { TokenUsage } from './token-usage';

/** The parts of a tier worker's `ModelChoice`, `PipelineJobData`, `ChatRequest`, `ChatResult` the guard reads (structural). */
export interface GuardChoice {
  endpoint: { id: string; provider: string; local: boolean };
  model: string;
  maxTokens: number;
  timeoutMs: number;
}
export interface GuardJob {
  jobId: string;
  batchId: string;
  tenant: string;
  tier: string;
}
export interface GuardRequest {
  system?: string;
  messages: { content: string }[];
  maxTokens?: number;
  /** JSON output: its schema is sent with the request and counted as prompt. */
  responseFormat?: { type: string; schema?: Record<string, unknown>; name?: string };
  tools?: unknown[];
}
export interface GuardResult {
  usage: TokenUsage;
  text?: string;
}

/**
 * A call sent through a provider batch endpoint: every rate of the model's price times
 * `priceShare` (config `batchApi.priceShare`), and the reservation held until `holdUntil` (the
 * batch's deadline) instead of the call's timeout, so the sweeper leaves it alone while the
 * provider works on it.
 */
export interface BatchPricing {
  priceShare: number;
  holdUntil: Date;
}

/** A price with every rate times `share` (batch endpoints). */
export const scaledPrice = (price: ModelPrice, share: number): ModelPrice =>
  Object.fromEntries(Object.entries(price).map(([key, value]) => [key, typeof value === 'number' ? value * share : value])) as unknown as ModelPrice;

export type ReserveResult = { ok: true; reservedMicroUsd: number } | { ok: false; reason: string; retryAt?: number };

export interface SpendGuardOptions {
  db: TransactionalDb;
  catalog: PriceCatalog;
  budgets: BudgetsConfig;
  /** `routing.emergencyLocalOnly`: refuse every paid call. @defaultValue `false` */
  emergencyLocalOnly?: boolean;
  /** Time zone of budget days and months. @defaultValue `'UTC'` */
  timezone?: string;
  alerter?: BudgetAlerter;
  logger?: SpendLogger;
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /**
   * How long a reservation outlives its call's timeout before the sweeper may treat
   * the worker as gone. @defaultValue `60000`
   */
  reservationGraceMs?: number;
  /** Delay of a job refused while `emergencyLocalOnly` is set (onExhausted `wait`). @defaultValue `900000` (15 min) */
  emergencyRetryMs?: number;
  /** Prompt sizing; `budgets.tokenEstimate` of the config. @defaultValue `options.budgets.tokenEstimate`, else margin 0.15 and no provider factors */
  tokenEstimate?: PromptEstimateSettings;
  /** Billed calls of a model whose reported prompt tokens calibrate its estimates. @defaultValue `200` */
  calibrationWindow?: number;
}

/** Whether new jobs must stay local, and why. */
export interface BudgetRoutingState {
  localOnly: boolean;
  /** Names the limiting budgets; `undefined` when API routing is open. */
  reason: string | undefined;
  /** Largest single reservation allowed now (micro-USD); `Infinity` without caps. */
  maxReservationMicro: number;
  budgets: {
    name: string;
    scope: string;
    period: string;
    capMicro: number;
    spentMicro: number;
    reservedMicro: number;
    usedShare: number;
    localOnly: boolean /** Closed by an overshoot until the period ends or the cap is raised. */;
    closed: boolean;
  }[];
}

export interface SpendGuard {
  /** Reserves the worst case before an API call (see `SpendGuard` in apps/workers). */
  reserve(start: { attemptId: string; data: GuardJob; choice: GuardChoice; request: GuardRequest; batch?: BatchPricing }): Promise<ReserveResult>;
  /**
   * Settles a call that was made: `result` given → billed at its usage. `result`
   * undefined → `error` decides: a provider error with an HTTP status (the provider
   * answered with an error: 4xx/5xx) is charged 0, and so is an error of a kind raised before
   * sending (`auth`, `bad-request`, `model-not-found`, `context-length`); anything else (timeout, abort,
   * network failure after sending, malformed body, no error given) is an unknown
   * outcome charged the reserved worst case. Idempotent per attempt.
   */
  settle(attemptId: string, choice: GuardChoice, result: GuardResult | undefined, error?: unknown): Promise<{ costMicroUsd: number; priceVersion: string }>;
  /** Gives a reservation back when no call was made after all. */
  release(attemptId: string): Promise<boolean>;
  /** Sweeper step: expired reservations → `abandoned` ledger rows at worst case. Run every minute or so by every worker process. */
  releaseExpired(now?: Date): Promise<number>;
  /** Whether new jobs (of a tenant / for a provider) must route local-only. */
  budgetRoutingState(now?: Date, scope?: { tenant?: string; provider?: string }): Promise<BudgetRoutingState>;
  readonly ledger: SpendLedger;
}

/**
 * Provider error kinds an adapter raises before anything is billed (a missing key, a request
 * the SDK refused, an unknown model, a prompt over the context window): $0 even without an
 * HTTP status (`ProviderError.kind` of `@eaio/providers`).
 */
const NEVER_BILLED_KINDS: ReadonlySet<string> = new Set(['auth', 'bad-request', 'model-not-found', 'context-length']);
const neverBilled = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  // An `EgressRecordError` (providers) stopped the request before it was sent: its audit row could not be written.
  (NEVER_BILLED_KINDS.has(String((error as { kind?: unknown }).kind)) || (error as { name?: unknown }).name === 'EgressRecordError');

/** Status code of a provider error, if the provider answered at all. */
const answeredStatus = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown; status?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 ? status : undefined;
};

/**
 * The money side of the tier workers, on Postgres (shared by every worker process;
 * works with queues on Redis or on Postgres alike). Local endpoints never reach it.
 */
export const createSpendGuard = (options: SpendGuardOptions): SpendGuard => {
  const ledger = createSpendLedger(options.db);
  const now = options.now ?? (() => new Date());
  const timezone = options.timezone ?? 'UTC';
  const logger = options.logger ?? silentSpendLogger;
  const graceMs = options.reservationGraceMs ?? 60_000;
  const wait = options.budgets.onExhausted === 'wait';
  const tokenEstimate = options.tokenEstimate ?? options.budgets.tokenEstimate ?? { margin: 0.15, providerFactors: {} };
  const capFor = (scope: string, period: string) => capOf(options.budgets, scope, period);

  const alert = async (touched: { scope: string; period: string }[]) => {
    if (!options.alerter || touched.length === 0) return;
    try {
      await options.alerter.check(touched);
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'budget alert check failed');
    }
  };

  return {
    ledger,

    async reserve({ attemptId, data, choice, request, batch }) {
      const at = now();
      if (choice.endpoint.local) return { ok: true, reservedMicroUsd: 0 };
      if (options.emergencyLocalOnly) {
        const reason = 'EMERGENCY_LOCAL_ONLY is set: paid APIs are off';
        return wait ? { ok: false, reason, retryAt: at.getTime() + (options.emergencyRetryMs ?? 900_000) } : { ok: false, reason };
      }
      let priced: ReturnType<typeof options.catalog.priceAt>;
      try {
        priced = options.catalog.priceAt(choice.endpoint.provider, choice.model, at);
      } catch (error) {
        if (UnknownPriceError.isInstance(error)) return { ok: false, reason: error.message };
        throw error;
      }
      // Batch endpoints: the provider's batch rate, stored with the reservation (settlement bills at it).
      const price = batch ? scaledPrice(priced.price, batch.priceShare) : priced.price;
      const measure = measurePrompt(request);
      const observed = await ledger.promptTokenRatio(choice.endpoint.provider, choice.model, options.calibrationWindow);
      const estimate = estimatePromptTokens(measure, choice.endpoint.provider, tokenEstimate, observed);
      const amountMicro = worstCaseCostMicro(estimate.tokens, request.maxTokens ?? choice.maxTokens, price);
      const outcome = await ledger.reserve({
        attemptId,
        jobId: data.jobId,
        batchId: data.batchId,
        tenant: data.tenant,
        tier: data.tier,
        provider: choice.endpoint.provider,
        endpoint: choice.endpoint.id,
        model: choice.model,
        amountMicro,
        keys: budgetKeysFor(options.budgets, { provider: choice.endpoint.provider, tenant: data.tenant }, at, timezone),
        price,
        priceVersion: batch ? `${options.catalog.version}+batch:${batch.priceShare}` : options.catalog.version,
        pricedAt: at,
        expiresAt: new Date((batch ? Math.max(batch.holdUntil.getTime(), at.getTime() + choice.timeoutMs) : at.getTime() + choice.timeoutMs) + graceMs),
        localOnlyBelowShare: options.budgets.localOnlyBelowShare,
        maxReservationShare: options.budgets.maxReservationShare,
        promptTokensCounted: measure.tokens,
        promptTokensReserved: estimate.tokens,
      });
      if (outcome.ok) return { ok: true, reservedMicroUsd: outcome.reservedMicroUsd };
      logger.info({ attemptId, jobId: data.jobId, tenant: data.tenant, reason: outcome.reason }, 'API call refused by budget');
      return wait && outcome.freesAt ? { ok: false, reason: outcome.reason, retryAt: outcome.freesAt.getTime() } : { ok: false, reason: outcome.reason };
    },

    async settle(attemptId, choice, result, error) {
      if (choice.endpoint.local) return { costMicroUsd: 0, priceVersion: 'local' };
      const reservation = await ledger.reservation(attemptId);
      if (!reservation) throw new Error(`settle: no reservation for attempt ${attemptId}; reserve before calling a paid API`);
      let kind: SettlementKind;
      let costMicro = 0;
      if (result && result.usage.inputTokens !== undefined && result.usage.outputTokens !== undefined) {
        kind = 'billed';
        costMicro = settledCostMicro(result.usage, reservation.price);
      } else if (result) {
        kind = 'unknown'; // answered without usage: charge the worst case rather than guess low
        logger.warn({ attemptId, provider: choice.endpoint.provider, model: choice.model }, 'provider reported no token usage; charged the reserved worst case');
      } else {
        kind = answeredStatus(error) === undefined && !neverBilled(error) ? 'unknown' : 'unbilled';
      }
      const settled = await ledger.settle(attemptId, { kind, usage: result?.usage, costMicro, capOf: capFor });
      for (const overshoot of settled.overshoots) {
        logger.error(
          { ...overshoot, provider: choice.endpoint.provider, model: choice.model, inputTokens: result?.usage.inputTokens },
          'budget overshoot: a call cost more than its reservation and passed the cap; the budget is closed to new API calls',
        );
        try {
          await options.alerter?.overshoot(overshoot);
        } catch (error) {
          logger.error({ error: error instanceof Error ? error.message : String(error) }, 'budget overshoot alert failed');
        }
      }
      await alert(settled.touched);
      return { costMicroUsd: settled.costMicroUsd, priceVersion: settled.priceVersion };
    },

    release: (attemptId) => ledger.release(attemptId),

    async releaseExpired(at = now()) {
      const { count, touched } = await ledger.releaseExpired(at);
      if (count > 0) logger.warn({ count }, 'expired budget reservations charged at worst case (worker gone mid-call)');
      await alert(touched);
      return count;
    },

    async budgetRoutingState(at = now(), scope = {}) {
      if (options.emergencyLocalOnly) {
        return { localOnly: true, reason: 'EMERGENCY_LOCAL_ONLY is set', maxReservationMicro: 0, budgets: [] };
      }
      const keys = budgetKeysFor(options.budgets, { provider: scope.provider ?? '', tenant: scope.tenant ?? '' }, at, timezone).filter(
        (key) =>
          key.capMicro !== undefined &&
          (key.scope === 'global' ||
            (scope.provider !== undefined && key.scope === `provider:${scope.provider}`) ||
            (scope.tenant !== undefined && key.scope === `tenant:${scope.tenant}`)),
      );
      const counters = await ledger.counters(keys);
      const budgets = keys.map((key, index) => {
        const { spentMicro, reservedMicro, closedCapMicro } = counters[index]!;
        const standing = budgetStanding(key.capMicro!, spentMicro, reservedMicro, options.budgets);
        const closed = closedCapMicro !== undefined && key.capMicro! <= closedCapMicro;
        return {
          name: key.name,
          scope: key.scope,
          period: key.period,
          capMicro: key.capMicro!,
          spentMicro,
          reservedMicro,
          usedShare: standing.usedShare,
          localOnly: standing.localOnly || closed,
          closed,
          maxReservationMicro: closed ? 0 : standing.maxReservationMicro,
        };
      });
      const limiting = budgets.filter((budget) => budget.localOnly);
      return {
        localOnly: limiting.length > 0,
        reason:
          limiting.length === 0
            ? undefined
            : `${limiting
                .map((budget) =>
                  budget.closed
                    ? `${budget.name} closed after an overshoot (${formatUsd(budget.spentMicro, 2)} spent of ${formatUsd(budget.capMicro, 2)})`
                    : `${budget.name} ${Math.round(budget.usedShare * 100)}% used (${formatUsd(Math.max(0, budget.capMicro - budget.spentMicro - budget.reservedMicro), 2)} left)`,
                )
                .join(', ')}: routing local-only`,
        maxReservationMicro: budgets.reduce((least, budget) => Math.min(least, budget.maxReservationMicro), Number.POSITIVE_INFINITY),
        budgets: budgets.map(({ maxReservationMicro: _max, ...budget }) => budget),
      };
    },
  };
};

/** Runs `releaseExpired` every `intervalMs` until the returned stop function is called. */
export const startReservationSweeper = (guard: Pick<SpendGuard, 'releaseExpired'>, options: { intervalMs?: number; logger?: SpendLogger } = {}): (() => void) => {
  const timer = setInterval(() => {
    guard
      .releaseExpired()
      .catch((error: unknown) => (options.logger ?? silentSpendLogger).error({ error: error instanceof Error ? error.message : String(error) }, 'reservation sweeper failed'));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
};
