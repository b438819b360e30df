import type { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import type { CustomerRegistered } from '../events.js';
import { ConflictError, isUniqueViolation, NotFoundError } from '../http.js';
import type { Registration } from '../schemas.js';

export interface Customer {
  id: string;
  email: string;
  name: string;
}

export class CustomerService {
  constructor(
    private readonly pool: Pool,
    private readonly events: EventEmitter,
  ) {}

  // expect: none — a read: not an operation
  async findByEmail(email: string): Promise<Customer | undefined> {
    const { rows } = await this.pool.query<Customer>('SELECT id, email, name FROM customers WHERE lower(email) = lower($1)', [email]);
    return rows[0];
  }

  // expect: operation idempotency=no event=no commit=yes — publishes on the in-process bus after the commit
  async register(input: Registration): Promise<Customer> {
    const client = await this.pool.connect();
    let customer: Customer;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Customer>(
        'INSERT INTO customers (email, name) VALUES ($1, $2) RETURNING id, email, name',
        [input.email, input.name],
      );
      customer = rows[0]!;
      const { line1, city, postcode, country } = input.address;
      await client.query(
        'INSERT INTO customer_addresses (customer_id, line1, city, postcode, country) VALUES ($1, $2, $3, $4, $5)',
        [customer.id, line1, city, postcode, country],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      if (isUniqueViolation(error)) throw new ConflictError(`${input.email} is already registered`);
      throw error;
    } finally {
      client.release();
    }
    const event: CustomerRegistered = { customerId: customer.id, email: customer.email };
    // expect: none — an in-process publish after the commit: a dual write
    this.events.emit('customer.registered', event);
    return customer;
  }

  // expect: operation event=no
  async rename(id: string, name: string): Promise<Customer> {
    const { rows } = await this.pool.query<Customer>(
      'UPDATE customers SET name = $2, updated_at = now() WHERE id = $1 RETURNING id, email, name',
      [id, name],
    );
    if (rows.length === 0) throw new NotFoundError('customer', id);
    return rows[0]!;
  }

  // expect: operation event=yes commit=yes — the outbox row goes in through a private helper, before the commit
  async changeEmail(id: string, email: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ email: string }>('SELECT email FROM customers WHERE id = $1 FOR UPDATE', [id]);
      if (rows.length === 0) throw new NotFoundError('customer', id);
      await client.query('UPDATE customers SET email = $2, email_verified_at = NULL WHERE id = $1', [id, email]);
      await this.enqueue(client, id, 'customer.email-changed', { previous: rows[0]!.email, email });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** Writes an outbox row on the caller's client, so it commits or rolls back with the caller's changes. */
  private async enqueue(client: PoolClient, customerId: string, type: string, payload: object): Promise<void> {
    await client.query(
      'INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ($1, $2, $3, $4)',
      ['customer', customerId, type, JSON.stringify(payload)],
    );
  }
}
