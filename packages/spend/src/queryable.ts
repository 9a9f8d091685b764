import type { QueryResult, QueryResultRow } from 'pg';

/** What the spend code needs of a database: a `pg` Pool or PoolClient fits. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/** A pool that lends clients for transactions (`pg.Pool`). */
export interface TransactionalDb extends Queryable {
  connect(): Promise<Queryable & { release(error?: Error | boolean): void }>;
}

/** Runs `work` in one transaction on a client of its own. */
export const inTransaction = async <T>(db: TransactionalDb, work: (client: Queryable) => Promise<T>): Promise<T> => {
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
