/**
 * Money in eaio is integer micro-USD (1 USD = 1 000 000 µUSD) everywhere: ledger rows,
 * reservations, counters, reports. Prices are USD per million tokens, so one token at
 * `p` USD/MTok costs exactly `p` µUSD; sums are kept in pico-USD (10^-12 USD) as
 * bigint so they are exact, and rounded to micro-USD once per call:
 *
 * - reservations (worst case) round UP, so a reservation never under-covers a call;
 * - settlements round HALF-UP (0.5 µUSD → 1 µUSD), the nearest whole micro-USD.
 */
export const MICRO_USD_PER_USD = 1_000_000;
const PICO_PER_MICRO = 1_000_000n;

/** USD → integer micro-USD, rounded half-up (for caps and config amounts). */
export const usdToMicro = (usd: number): number => {
  if (!Number.isFinite(usd)) throw new RangeError(`usdToMicro: ${usd} is not a finite amount`);
  return Math.floor(usd * MICRO_USD_PER_USD + 0.5);
};

/** Integer micro-USD → USD. */
export const microToUsd = (micro: number): number => micro / MICRO_USD_PER_USD;

/** `$1.234567`, the form used in reasons, logs and reports. */
export const formatUsd = (micro: number, digits = 6): string => `$${microToUsd(micro).toFixed(digits)}`;

/**
 * A USD-per-million-token price as integer pico-USD per token. Prices finer than
 * 10^-6 USD/MTok are rounded half-up.
 */
export const picoPerToken = (usdPerMTok: number, name = 'price'): bigint => {
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0) {
    throw new RangeError(`${name} must be a non-negative number of USD per million tokens, got ${usdPerMTok}`);
  }
  return BigInt(Math.floor(usdPerMTok * 1_000_000 + 0.5));
};

/** Pico-USD → micro-USD rounded up (reservations). */
export const picoToMicroCeil = (pico: bigint): number => Number((pico + PICO_PER_MICRO - 1n) / PICO_PER_MICRO);

/** Pico-USD → micro-USD rounded half-up (settlements). */
export const picoToMicroHalfUp = (pico: bigint): number => Number((pico + PICO_PER_MICRO / 2n) / PICO_PER_MICRO);
