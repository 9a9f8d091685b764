/** What the spend code needs of a database, and its transactions: see `@eaio/core`'s `withTransaction`. */
export { withTransaction as inTransaction, type Queryable, type TransactionalDb } from '@eaio/core';
