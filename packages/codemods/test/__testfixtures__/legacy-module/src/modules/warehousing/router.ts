import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { notFound } from '../../core/http/errors.js';
import { StockService, type Receipt, type Reservation } from './stock.service.js';

// Warehousing: stock lots go through StockService; storage bins never got a service and are CRUD in this router.

const uuid = { type: 'string', format: 'uuid' } as const;
const lotParams = { type: 'object', required: ['lotId'], properties: { lotId: uuid } } as const;
const binParams = { type: 'object', required: ['binId'], properties: { binId: uuid } } as const;

interface LotParams {
  lotId: string;
}

interface BinInput {
  warehouseId: string;
  code: string;
  capacity: number;
}

interface BinRoute {
  Params: { binId: string };
}

interface BinCreateRoute {
  Body: BinInput;
}

type WithOrganization = { Querystring: { organizationId: string } };

interface Routed<P, B> {
  Params: P;
  Body: B;
}

export function registerWarehousingRoutes(app: FastifyInstance, deps: AppDeps): void {
  void deps;

  // ---------------------------------------------------------------- stock lots (StockService)

  app.get<{ Params: LotParams }>('/lots/:lotId', { schema: { params: lotParams } }, async (request) => {
    return new StockService(request.db).getLot(request.params.lotId);
  });

  app.post<{ Body: Receipt & { organizationId: string } }>('/lots', async (request, reply) => {
    const { organizationId, ...receipt } = request.body;
    const lot = await new StockService(request.db).receiveStock(organizationId, receipt);
    return reply.code(201).send(lot);
  });

  app.post<{ Params: LotParams; Body: { blocked: boolean; reason?: string } }>(
    '/lots/:lotId/block',
    { schema: { params: lotParams } },
    async (request) => new StockService(request.db).setLotBlocked(request.params.lotId, request.body.blocked, request.body.reason ?? null),
  );

  app.post<{ Body: { fromLotId: string; toLotId: string; quantity: number } }>('/lots/transfers', async (request) => {
    const { fromLotId, toLotId, quantity } = request.body;
    return new StockService(request.db).transferStock(fromLotId, toLotId, quantity);
  });

  app.post<WithOrganization & { Body: { reservations: Reservation[] } }>('/lots/reservations', async (request) => {
    const reserved = await new StockService(request.db).reserveLots(request.query.organizationId, request.body.reservations);
    return { reserved };
  });

  app.post<WithOrganization>('/lots/holds/release', async (request) => {
    const released = await new StockService(request.db).releaseExpiredHolds(request.query.organizationId);
    return { released };
  });

  app.delete<{ Params: LotParams }>('/lots/:lotId', { schema: { params: lotParams } }, async (request, reply) => {
    await new StockService(request.db).archiveLot(request.params.lotId);
    return reply.code(204).send();
  });

  app.put<Routed<LotParams, { counted: number }>>('/lots/:lotId/count', async (request) =>
    new StockService(request.db).recountLot(request.params.lotId, request.body.counted),
  );

  app.put<Routed<LotParams, { pricePerUnit: number }>>('/lots/:lotId/price', async (request) =>
    new StockService(request.db).repriceLot(request.params.lotId, request.body.pricePerUnit),
  );

  // ---------------------------------------------------------------- storage bins (no service layer)

  app.get<BinRoute>('/bins/:binId', { schema: { params: binParams } }, async (request) => {
    const { rows } = await request.db.execute('SELECT * FROM storage_bins WHERE id = $1', [request.params.binId]);
    if (rows.length === 0) throw notFound('bin', request.params.binId);
    return rows[0];
  });

  app.post<BinCreateRoute>('/bins', async (request, reply) => {
    const db = request.db;
    const { warehouseId, code, capacity } = request.body;
    const { rows } = await db.execute(
      'INSERT INTO storage_bins (warehouse_id, code, capacity) VALUES ($1, $2, $3) RETURNING *',
      [warehouseId, code, capacity],
    );
    await db.commit();
    return reply.code(201).send(rows[0]);
  });

  app.patch<BinRoute & { Body: Partial<BinInput> }>('/bins/:binId', { schema: { params: binParams } }, async (request) => {
    const { db } = request;
    const { rows } = await db.execute(
      'UPDATE storage_bins SET code = coalesce($2, code), capacity = coalesce($3, capacity) WHERE id = $1 RETURNING *',
      [request.params.binId, request.body.code ?? null, request.body.capacity ?? null],
    );
    if (rows.length === 0) throw notFound('bin', request.params.binId);
    await db.commit();
    return rows[0];
  });

  app.delete<BinRoute>('/bins/:binId', { schema: { params: binParams } }, async (request, reply) => {
    const { rowCount } = await request.db.execute('DELETE FROM storage_bins WHERE id = $1', [request.params.binId]);
    if (rowCount === 0) throw notFound('bin', request.params.binId);
    await request.db.commit();
    return reply.code(204).send();
  });

  app.post<Routed<{ binId: string }, { quantity: number }>>('/bins/:binId/occupancy', async (request) => {
    const { rows } = await request.db.execute(
      'UPDATE storage_bins SET occupied = occupied + $2 WHERE id = $1 AND occupied + $2 <= capacity RETURNING *',
      [request.params.binId, request.body.quantity],
    );
    if (rows.length === 0) throw notFound('bin with room', request.params.binId);
    await request.db.commit();
    return rows[0];
  });
}
