import type { Connection, Database } from '../db/database.js';

/**
 * Runs `work` in a transaction of its own on one connection, outside any request: committed when `work` returns,
 * rolled back when it throws. For infrastructure (relay, webhooks), not for business operations, which use the
 * request's DbSession.
 */
export async function inTransaction<T>(database: Database, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await database.acquire();
  try {
    await connection.query('BEGIN');
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}
