/**
 * The service of Shipment records: the work its router did on the database, one method per route.
 * Built by the router with the pool it was given; the methods that write commit themselves.
 */
export class ShipmentService {
  constructor(private readonly pool: (typeof import('../db.js'))['pool']) {}

  async createShipment(body: any) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { carrierId, weight } = body as { carrierId: string; weight: number };
      const result = await client.query('INSERT INTO shipments (carrier_id, weight) VALUES ($1, $2) RETURNING id, carrier_id, weight', [carrierId, weight]);
      await client.query('COMMIT');
      return result.rows[0];
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async getShipment(params: { id: string }) {
    const result = await this.pool.query('SELECT id, carrier_id, weight FROM shipments WHERE id = $1', [params.id]);
    if (result.rows.length === 0) {
      return { statusCode: 404, payload: { message: 'shipment not found' } };
    }
    return { statusCode: 200, payload: result.rows[0] };
  }

  // A bad weight is the client's fault: the constraint's message goes back as a 400.
  async updateShipment(params: { id: string }, body: any) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await client.query('UPDATE shipments SET weight = $2 WHERE id = $1 RETURNING id, weight', [params.id, body.weight]);
        await client.query('COMMIT');
        return { statusCode: 200, payload: result.rows[0] };
      } catch (err) {
        await client.query('ROLLBACK');
        return { statusCode: 400, payload: { message: (err as Error).message } };
      }
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
