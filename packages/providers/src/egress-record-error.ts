/**
 * A request was stopped before it left because its egress record could not be written
 * (`ChatRequest.beforeSend` threw). Nothing was sent; the cause says why. Not a provider
 * failure: the endpoint is not marked unreachable and the call is not billed.
 */
export class EgressRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EgressRecordError';
  }
  static isInstance(value: unknown): value is EgressRecordError {
    return value instanceof Error && value.name === 'EgressRecordError';
  }
}
