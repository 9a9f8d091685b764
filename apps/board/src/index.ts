export * from './board-server';
export * from './board-auth';
export * from './review-routes';
