import express from 'express';
import { pool } from '../db.js';

export const shipmentsRouter = express.Router();

shipmentsRouter.post('/', async (req, res) => {
  const { carrierId, weight } = req.body as { carrierId: string; weight: number };
  const result = await pool.query('INSERT INTO shipments (carrier_id, weight) VALUES ($1, $2) RETURNING id, carrier_id, weight', [carrierId, weight]);
  res.status(201).send(result.rows[0]);
});

shipmentsRouter.get('/:id', async (req, res) => {
  const result = await pool.query('SELECT id, carrier_id, weight FROM shipments WHERE id = $1', [req.params.id]);
  if (result.rows.length === 0) {
    res.status(404).json({ message: 'shipment not found' });
    return;
  }
  res.json(result.rows[0]);
});

// A bad weight is the client's fault: the constraint's message goes back as a 400.
shipmentsRouter.patch('/:id', async (req, res) => {
  try {
    const result = await pool.query('UPDATE shipments SET weight = $2 WHERE id = $1 RETURNING id, weight', [req.params.id, req.body.weight]);
    res.json(result.rows[0]);
  } catch (err) {
    res.status(400).json({ message: (err as Error).message });
  }
});
