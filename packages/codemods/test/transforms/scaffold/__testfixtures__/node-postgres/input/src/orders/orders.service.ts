export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export class OrdersService {
  constructor(private readonly pool: Queryable) {}

  async count(): Promise<number> {
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM orders');
    return (rows[0] as { n: number }).n;
  }
}
