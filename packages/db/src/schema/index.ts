export * from './batches';
export * from './jobs';
export * from './attempts';
export * from './results';
export * from './host-slot-leases';
export * from './spend-ledger';
export * from './budgets';
export * from './cost-reports';
