export * from './schema';
export * from './create-db';
export * from './migrate';
export * from './embedded-postgres';
export * from './queries/intake-queries';
export * from './queries/attempt-queries';
export * from './queries/job-state-queries';
export * from './queries/status-queries';
