import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(item: string, express: boolean): Promise<string> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    if (express) return 'express';
    return 'standard';
  }
}
