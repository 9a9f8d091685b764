/** The slice of a pino logger the spend code uses. */
export interface SpendLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentSpendLogger: SpendLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
