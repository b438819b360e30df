export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** The request's unit of work: `execute` begins a transaction lazily, `commit` ends it. */
export class DbSession {
  #open = false;

  async execute<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    this.#open = sql.length + params.length > 0;
    return { rows: [], rowCount: 0 };
  }

  async commit(): Promise<void> {
    this.#open = false;
  }

  async rollback(): Promise<void> {
    this.#open = false;
  }
}

/** The reporting replica's handle: it writes summaries, but it is not a DbSession. */
export interface ReplicaHandle {
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult<Record<string, unknown>>>;
  commit(): Promise<void>;
}
