import type { DbSession } from '../../db/session.js';

interface LineRow {
  id: string;
  qty: number;
}

const view = (row: LineRow) => ({ id: row.id, quantity: row.qty });

export class OrderService {
  constructor(private readonly db: DbSession) {}

  // Route parameters arrive as one object (as extract-router-db writes them); the ids are destructured first.
  async updateLine(params: { orderId: string; lineId: string }, qty: number) {
    const { orderId, lineId } = params;
    const { rows } = await this.db.execute<LineRow>('UPDATE order_lines SET qty = $3 WHERE order_id = $1 AND id = $2 RETURNING *', [orderId, lineId, qty]);
    await this.db.commit();
    return view(rows[0]!);
  }

  // A result that may carry a credential never goes into the payload, computed or not.
  async rotateApiToken(orderId: string) {
    const { rows } = await this.db.execute<{ token: string }>('UPDATE orders SET api_token = gen_random_uuid() WHERE id = $1 RETURNING api_token AS token', [orderId]);
    await this.db.commit();
    return { token: rows[0]!.token.slice(0) };
  }

  // Reads the database again after the commit: nothing to move.
  async closeOrder(orderId: string) {
    await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await this.db.commit();
    return view((await this.db.execute<LineRow>('SELECT * FROM order_lines WHERE order_id = $1 LIMIT 1', [orderId])).rows[0]!);
  }
}
