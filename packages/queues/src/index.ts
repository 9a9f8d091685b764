export * from './queue-backend';
export * from './slot-leaser';
export * from './redis-slot-leaser';
export * from './postgres-slot-leaser';
export * from './job-data';
export * from './job-data-schema';
