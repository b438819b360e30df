import type { DbSession } from '../../db/session.js';

interface Sessions {
  open(): Promise<DbSession>;
}

export class OrderService {
  constructor(private readonly sessions: Sessions) {}

  async createOrder(item: string): Promise<void> {
    await this.insert(item);
  }

  private async insert(item: string): Promise<void> {
    const db = await this.sessions.open();
    await db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
  }
}
