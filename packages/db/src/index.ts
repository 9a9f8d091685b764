export * from './schema';
export * from './create-db';
export * from './migrate';
export * from './embedded-postgres';
export * from './queries/intake-queries';
export * from './queries/pipeline-queries';
export * from './queries/status-queries';
