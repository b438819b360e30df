import type { FastifyRequest } from 'fastify';
import { notFound } from '../../core/errors.js';

// Item types the catalog accepts.
export const ITEM_TYPES = ['book', 'disc'] as const;

export interface ItemInput {
  name: string;
  itemType: (typeof ITEM_TYPES)[number];
}

/** Turns a name into the stored form. */
function normalized(name: string): string {
  return name.trim();
}

/**
 * The catalog module's service layer: the work its router did on the request's session, one method per route.
 * Constructed per request with `request.db`; the methods that write commit themselves.
 */
export class CatalogService {
  constructor(private readonly db: FastifyRequest['db']) {}

  async listItems() {
    const { rows } = await this.db.execute('SELECT * FROM items ORDER BY name');
    return { items: rows };
  }

  // Creating an item and its first price lands together or not at all.
  async createItem(body: ItemInput) {
    try {
      const { rows } = await this.db.execute(
        `INSERT INTO items (name, item_type)
           VALUES ($1, $2) RETURNING *`,
        [normalized(body.name), body.itemType],
      );
      await this.db.commit(); // one transaction
      return rows[0];
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  async deleteItem(params: { id: string }) {
    const db = this.db;
    const { rowCount } = await db.execute('DELETE FROM items WHERE id = $1', [params.id]);
    if (rowCount === 0) throw notFound('item', params.id);
    await db.commit();
    return;
  }
}
