// The slice of Knex this fixture uses (the real types come from the `knex` package).
export interface QueryBuilder<T> extends PromiseLike<T[]> {
  where(criteria: Record<string, unknown>): QueryBuilder<T>;
  first(): PromiseLike<T | undefined>;
  insert(row: Partial<T>): QueryBuilder<T>;
  update(values: Partial<T>): QueryBuilder<T>;
  del(): PromiseLike<number>;
  returning(columns: string): PromiseLike<T[]>;
}

export interface Transaction {
  <T = Record<string, unknown>>(table: string): QueryBuilder<T>;
  raw(sql: string, bindings?: unknown[]): PromiseLike<unknown>;
}

export interface Knex extends Transaction {
  transaction<R>(run: (trx: Transaction) => Promise<R>): Promise<R>;
}
