import axios from 'axios';
import express from 'express';
import { pool } from '../db.js';
import { bus } from '../events.js';
import { NotFoundError, validateBody } from '../http.js';
import { ChangeEmailSchema, RegistrationSchema, RenameSchema } from '../schemas.js';
import { CustomerService } from './customer.service.js';

export const customersRouter = express.Router();
const customers = new CustomerService(pool, bus);

customersRouter.post('/', validateBody(RegistrationSchema), async (req, res) => {
  // expect: none — a call into the service layer, not a DB call
  const customer = await customers.register(req.body);
  res.status(201).location(`/customers/${customer.id}`).json(customer);
});

customersRouter.get('/:id', async (req, res) => {
  // expect: router-db-call
  const { rows } = await pool.query('SELECT id, email, name, created_at AS "createdAt" FROM customers WHERE id = $1', [req.params.id]);
  if (rows.length === 0) throw new NotFoundError('customer', req.params.id);
  res.json(rows[0]);
});

customersRouter.patch('/:id', validateBody(RenameSchema), async (req, res) => {
  res.json(await customers.rename(req.params.id, req.body.name));
});

customersRouter.put('/:id/email', validateBody(ChangeEmailSchema), async (req, res) => {
  await customers.changeEmail(req.params.id, req.body.email);
  res.sendStatus(204);
});

// expect: operation event=no — deletes straight from the route handler
customersRouter.delete('/:id', async (req, res) => {
  // expect: router-db-call
  const result = await pool.query('DELETE FROM customers WHERE id = $1', [req.params.id]);
  if (result.rowCount === 0) throw new NotFoundError('customer', req.params.id);
  // expect: none — an HTTP call to the CRM, not the database
  await axios.post(`${process.env.CRM_URL}/contacts/forget`, { customerId: req.params.id }, { timeout: 5_000 });
  // expect: none — the response, not a DB call
  res.sendStatus(204);
});
