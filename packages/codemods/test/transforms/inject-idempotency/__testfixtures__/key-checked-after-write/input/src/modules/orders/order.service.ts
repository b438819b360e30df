import type { DbSession } from '../../db/session.js';

interface Redis {
  get(key: string): Promise<string | null>;
}

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly redis: Redis,
  ) {}

  async createOrder(item: string, idempotencyKey?: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    if (idempotencyKey && (await this.redis.get(`idempotency:${idempotencyKey}`))) return;
    await this.db.commit();
  }
}
