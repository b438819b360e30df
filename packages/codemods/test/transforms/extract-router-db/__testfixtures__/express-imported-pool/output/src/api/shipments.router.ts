import express from 'express';
import { pool } from '../db.js';
import { ShipmentService } from '../shipments/shipment.service.js';

export const shipmentsRouter = express.Router();

const shipmentService = new ShipmentService(pool);

shipmentsRouter.post('/', async (req, res) => {
  res.status(201).send(await shipmentService.createShipment(req.body));
});

shipmentsRouter.get('/:id', async (req, res) => {
  const response = await shipmentService.getShipment(req.params);
  res.status(response.statusCode).json(response.payload);
});

// A bad weight is the client's fault: the constraint's message goes back as a 400.
shipmentsRouter.patch('/:id', async (req, res) => {
  const response = await shipmentService.updateShipment(req.params, req.body);
  res.status(response.statusCode).json(response.payload);
});
