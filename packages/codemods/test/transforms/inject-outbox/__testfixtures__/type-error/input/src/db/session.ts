export interface QueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

export class DbSession {
  #open = false;

  async execute(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    this.#open = sql.length + params.length > 0;
    return { rows: [], rowCount: 0 };
  }

  async commit(): Promise<void> {
    this.#open = false;
  }
}

/** The reporting replica: it writes summaries, but it is not a DbSession. */
export interface ReplicaHandle {
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  commit(): Promise<void>;
}
