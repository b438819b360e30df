import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import { LotService, type LotInput } from '../services/lot.service.js';

export default function lotsRouter(pool: Pool) {
  const router = Router();

  const lotService = new LotService(pool);

  router.get('/', async (req, res) => {
    res.json(await lotService.listLots(req.query));
  });

  router.post('/', async (req: Request<{}, unknown, LotInput>, res) => {
    res.status(201).json(await lotService.createLot(req.body));
  });

  router.put('/:lotId/quantity', async (req, res) => {
    await lotService.updateQuantity(req.params, req.body);
    res.status(204).end();
  });

  router.post('/:lotId/sell', async (req, res) => {
    const result = await lotService.sellLot(req.params);
    res.status(result.statusCode).json(result.payload);
  });

  router.delete('/:lotId', async (req, res) => {
    await lotService.deleteLot(req.params);
    res.sendStatus(204);
  });

  return router;
}
