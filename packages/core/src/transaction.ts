import type { QueryResult, QueryResultRow } from 'pg';

/** What code needs of a database to run statements: a `pg` Pool or PoolClient fits. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/** A client checked out of a pool, given back with `release()` (`pg.PoolClient`). */
export interface TransactionClient extends Queryable {
  release(error?: Error | boolean): void;
}

/** A pool that lends clients for transactions (`pg.Pool`). */
export interface TransactionalDb extends Queryable {
  connect(): Promise<TransactionClient>;
}

/**
 * Runs `work` in one transaction on a client of its own: BEGIN, then COMMIT when `work`
 * resolves, ROLLBACK (its own failure ignored) and rethrow when it rejects; the client is
 * released either way.
 */
export const withTransaction = async <T, Client extends TransactionClient = TransactionClient>(
  db: { connect(): Promise<Client> },
  work: (client: Client) => Promise<T>,
): Promise<T> => {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
