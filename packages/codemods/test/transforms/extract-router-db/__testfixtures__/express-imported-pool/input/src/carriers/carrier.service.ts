import { pool } from '../db.js';

export class CarrierService {
  async list(): Promise<unknown[]> {
    const { rows } = await pool.query('SELECT id, name FROM carriers ORDER BY name');
    return rows;
  }
}
