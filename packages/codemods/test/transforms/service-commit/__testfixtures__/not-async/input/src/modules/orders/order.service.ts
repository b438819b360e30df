import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  // Returns the promise of its write; the router commits after it.
  createOrder(item: string) {
    return this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
  }
}
