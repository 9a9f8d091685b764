export * from './board-server';
export * from './board-auth';
