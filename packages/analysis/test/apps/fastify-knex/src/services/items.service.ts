import type { Knex } from 'knex';
import { ConflictError, NotFoundError } from '../errors.js';
import type { CreateItemBody, Item, ListQuery, UpdateItemBody } from '../schemas.js';

const PAGE_SIZE = 50;
const IMPORT_CHUNK = 500;

export class ItemsService {
  constructor(private readonly knex: Knex) {}

  // expect: operation idempotency=no event=yes commit=yes
  async create(input: CreateItemBody): Promise<Item> {
    return this.knex.transaction(async (trx) => {
      const taken = await trx('items').where({ sku: input.sku }).first('id');
      if (taken) throw new ConflictError(`sku ${input.sku} already exists`);
      const [id] = await trx('items').insert({ sku: input.sku, name: input.name, price_cents: input.price_cents, stock: input.stock ?? 0 });
      await trx('outbox').insert({
        aggregate_type: 'item',
        aggregate_id: String(id),
        event_type: 'item.created',
        payload: JSON.stringify({ id, sku: input.sku, price_cents: input.price_cents }),
      });
      return { id, stock: 0, archived: false, ...input };
    });
  }

  // expect: none — a read built by the query builder
  async list(query: ListQuery): Promise<Item[]> {
    return this.knex('items')
      .select('id', 'sku', 'name', 'price_cents', 'stock', 'archived')
      .where('archived', false)
      .orderBy('id')
      .limit(PAGE_SIZE)
      .offset(query.page * PAGE_SIZE);
  }

  // expect: operation
  async rename(id: number, changes: UpdateItemBody): Promise<void> {
    const count = await this.knex('items').where({ id }).update({ ...changes, updated_at: this.knex.fn.now() });
    if (count === 0) throw new NotFoundError(`item ${id}`);
  }

  // expect: operation
  async adjustStock(id: number, delta: number): Promise<void> {
    const count = await this.knex('items').where({ id }).andWhere('stock', '>=', -delta).increment('stock', delta);
    if (count === 0) throw new ConflictError(`item ${id} has not enough stock for ${delta}`);
  }

  // expect: operation
  async archive(id: number): Promise<void> {
    await this.knex('items').where({ id }).update({ archived: true, updated_at: this.knex.fn.now() });
  }

  // expect: operation
  async purgeArchived(olderThanDays: number): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
    return this.knex('items').where('archived', true).andWhere('updated_at', '<', cutoff).del();
  }

  // expect: operation
  async recomputePopularity(): Promise<void> {
    await this.knex.raw(
      'UPDATE items SET popularity = (SELECT COUNT(*) FROM order_lines WHERE order_lines.item_id = items.id) WHERE archived = false',
    );
  }

  // expect: operation commit=yes event=no
  async importCatalogue(rows: CreateItemBody[]): Promise<number> {
    const trx = await this.knex.transaction();
    try {
      for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
        await trx('items').insert(rows.slice(i, i + IMPORT_CHUNK)).onConflict('sku').merge(['name', 'price_cents']);
      }
      await trx.commit();
      return rows.length;
    } catch (err) {
      await trx.rollback();
      throw err;
    }
  }
}
