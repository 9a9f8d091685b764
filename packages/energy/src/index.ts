export * from './types';
export * from './quality-gate';
export * from './facts-api';
export * from './privacy';
