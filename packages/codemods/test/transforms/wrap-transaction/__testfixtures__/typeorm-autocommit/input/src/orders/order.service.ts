import type { EntityManager, Repository } from './db.js';

export class Order {
  id = '';
  status: 'open' | 'shipped' | 'cancelled' = 'open';
  note: string | null = null;
}

export class Shipment {
  id = '';
  orderId = '';
}

export class OrderService {
  constructor(
    private readonly orders: Repository<Order>,
    private readonly shipments: Repository<Shipment>,
    private readonly entityManager: EntityManager,
  ) {}

  async findOne(id: string): Promise<Order> {
    const order = await this.orders.findOneBy({ id });
    if (!order) throw new Error(`no order ${id}`);
    return order;
  }

  async cancel(id: string): Promise<Order> {
    const order = await this.findOne(id);
    if (order.status === 'shipped') throw new Error(`order ${id} has shipped`);
    return this.orders.save(this.orders.merge(order, { status: 'cancelled' }));
  }

  async annotate(id: string, note: string): Promise<void> {
    if (note.length > 500) throw new Error('a note has at most 500 characters');
    await this.entityManager.update(Order, { id }, { note });
  }

  // Two repositories of the one data source: one transaction, opened on the first, takes both.
  async ship(id: string): Promise<Shipment> {
    const order = await this.findOne(id);
    if (order.status !== 'open') throw new Error(`order ${id} is ${order.status}`);
    await this.orders.save(this.orders.merge(order, { status: 'shipped' }));
    return this.shipments.save(this.shipments.merge(new Shipment(), { orderId: id }));
  }
}
