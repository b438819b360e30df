import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  createOrder = async (item: string) => this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
}
