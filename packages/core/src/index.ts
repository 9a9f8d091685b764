export * from './types';
export * from './config/index';
export { createLogger, isSecretFieldName, type CreateLoggerOptions, type Logger } from './logger';
export { withTransaction, type Queryable, type TransactionClient, type TransactionalDb } from './transaction';
