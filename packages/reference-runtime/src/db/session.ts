import type { Connection, Database, QueryResult, Row } from './database.js';

/**
 * The request's unit of work, shaped like the seed's session: `execute` begins a transaction lazily on first use,
 * `commit` and `rollback` end it, and the next `execute` begins a new one. The app gives every request its own
 * session and rolls back whatever is still open when the request ends.
 */
export class DbSession {
  private connection: Connection | undefined;

  constructor(private readonly database: Database) {}

  get inTransaction(): boolean {
    return this.connection !== undefined;
  }

  async execute<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    if (!this.connection) {
      const connection = await this.database.acquire();
      try {
        await connection.query('BEGIN');
      } catch (error) {
        connection.release();
        throw error;
      }
      this.connection = connection;
    }
    return this.connection.query<R>(sql, params);
  }

  async commit(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    this.connection = undefined;
    try {
      await connection.query('COMMIT');
    } finally {
      connection.release();
    }
  }

  async rollback(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    this.connection = undefined;
    try {
      await connection.query('ROLLBACK');
    } finally {
      connection.release();
    }
  }

  /** Ends the session: anything not committed is rolled back. */
  async close(): Promise<void> {
    await this.rollback();
  }
}
