export * from './types';
export * from './quality-gate';
