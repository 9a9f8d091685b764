export * from './route-job';
export * from './complexity';
export * from './routing-policy';
export * from './decide';
export * from './escalate';
export * from './quality-threshold';
export { tierRank, orderTiers } from './tier-order';
export * from './adaptive';
