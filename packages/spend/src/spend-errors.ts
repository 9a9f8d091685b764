const UNKNOWN_PRICE = Symbol.for('eaio.spend.UnknownPriceError');

/** No price is known for an API model: it must be priced in the config before use (never billed as $0). */
export class UnknownPriceError extends Error {
  readonly [UNKNOWN_PRICE] = true;
  constructor(
    readonly provider: string,
    readonly model: string,
  ) {
    super(`no price known for ${provider}/${model}; add it under prices: in the config`);
    this.name = 'UnknownPriceError';
  }
  static isInstance(value: unknown): value is UnknownPriceError {
    return typeof value === 'object' && value !== null && UNKNOWN_PRICE in value;
  }
}
