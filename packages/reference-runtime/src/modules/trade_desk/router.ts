import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import {
  AvailabilityService,
  type AvailabilityChanges,
  type AvailabilityStatus,
  type NewAvailability,
  type ReservationRequest,
} from './availability.service.js';
import {
  RequirementService,
  type FulfillmentInput,
  type NewRequirement,
  type RequirementChanges,
  type RequirementStatus,
} from './requirement.service.js';
import { RequirementWebSocketService } from './websocket/requirement-websocket.js';
import {
  availabilityChangesBody,
  availabilityParams,
  availabilityQuery,
  cancelBody,
  fulfillmentBody,
  mutationHeaders,
  newAvailabilityBody,
  newRequirementBody,
  pageOf,
  requirementChangesBody,
  requirementParams,
  requirementQuery,
  reservationBody,
  withdrawBody,
  type PageQuery,
} from './schemas.js';

interface AvailabilityRoute {
  Params: { availabilityId: string };
}
interface RequirementRoute {
  Params: { requirementId: string };
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Who is acting: the signed-in user, from the session (never from a header the client fills in). */
const actorOf = (request: FastifyRequest): string | null => request.principal?.userId ?? null;
const idempotencyKeyOf = (request: FastifyRequest): string | undefined => single(request.headers['idempotency-key']);

export function registerTradeDeskRoutes(app: FastifyInstance, deps: AppDeps): void {
  const realtime = new RequirementWebSocketService(deps.ws, (error, context) =>
    app.log.warn({ err: error }, `requirement push failed (${context})`),
  );

  // ---- availabilities ----------------------------------------------------------------------------------------

  app.get<{ Querystring: PageQuery & { organizationId?: string; commodityCode?: string; status?: AvailabilityStatus } }>(
    '/availabilities',
    { schema: { querystring: availabilityQuery } },
    async (request) => {
      const { organizationId, commodityCode, status } = request.query;
      return new AvailabilityService(request.db).listAvailabilities({
        organizationId,
        commodityCode: commodityCode?.toUpperCase(),
        status,
        ...pageOf(request.query),
      });
    },
  );

  app.get<AvailabilityRoute>(
    '/availabilities/:availabilityId',
    { schema: { params: availabilityParams } },
    async (request) => new AvailabilityService(request.db).getAvailability(request.params.availabilityId),
  );

  app.post<{ Body: Omit<NewAvailability, 'createdBy'> }>(
    '/availabilities',
    { schema: { body: newAvailabilityBody, headers: mutationHeaders } },
    async (request, reply) => {
      const service = new AvailabilityService(request.db, deps.redis);
      const availability = await service.createAvailability({ ...request.body, createdBy: actorOf(request) });
      return reply.status(201).send(availability);
    },
  );

  app.patch<AvailabilityRoute & { Body: AvailabilityChanges }>(
    '/availabilities/:availabilityId',
    { schema: { params: availabilityParams, body: availabilityChangesBody, headers: mutationHeaders } },
    async (request) => {
      const service = new AvailabilityService(request.db, deps.redis);
      return service.updateAvailability(request.params.availabilityId, request.body);
    },
  );

  app.post<AvailabilityRoute>(
    '/availabilities/:availabilityId/approve',
    { schema: { params: availabilityParams, headers: mutationHeaders } },
    async (request) => {
      const service = new AvailabilityService(request.db, deps.redis);
      return service.approveAvailability(request.params.availabilityId, actorOf(request), idempotencyKeyOf(request));
    },
  );

  app.post<AvailabilityRoute & { Body: { reason: string } }>(
    '/availabilities/:availabilityId/withdraw',
    { schema: { params: availabilityParams, body: withdrawBody, headers: mutationHeaders } },
    async (request) => {
      const service = new AvailabilityService(request.db, deps.redis);
      return service.withdrawAvailability(request.params.availabilityId, request.body.reason, actorOf(request));
    },
  );

  app.post<AvailabilityRoute & { Body: Omit<ReservationRequest, 'reservedBy'> }>(
    '/availabilities/:availabilityId/reservations',
    { schema: { params: availabilityParams, body: reservationBody, headers: mutationHeaders } },
    async (request, reply) => {
      const service = new AvailabilityService(request.db, deps.redis);
      const outcome = await service.reserveQuantity(request.params.availabilityId, {
        ...request.body,
        reservedBy: actorOf(request),
      });
      if (!outcome.reserved) {
        return reply.status(409).send({
          error: 'insufficient_quantity',
          message: `quantity ${outcome.requested} exceeds the ${outcome.availableQuantity} ${outcome.unit} still available`,
          availableQuantity: outcome.availableQuantity,
        });
      }
      return reply.status(outcome.committed ? 201 : 200).send(outcome);
    },
  );

  // ---- requirements ------------------------------------------------------------------------------------------

  app.get<{ Querystring: PageQuery & { organizationId?: string; buyerPartnerId?: string; commodityCode?: string; status?: RequirementStatus } }>(
    '/requirements',
    { schema: { querystring: requirementQuery } },
    async (request) => {
      const { organizationId, buyerPartnerId, commodityCode, status } = request.query;
      return new RequirementService(request.db).listRequirements({
        organizationId,
        buyerPartnerId,
        commodityCode: commodityCode?.toUpperCase(),
        status,
        ...pageOf(request.query),
      });
    },
  );

  app.get<RequirementRoute>(
    '/requirements/:requirementId',
    { schema: { params: requirementParams } },
    async (request) => new RequirementService(request.db).getRequirement(request.params.requirementId),
  );

  app.post<{ Body: Omit<NewRequirement, 'createdBy'> }>(
    '/requirements',
    { schema: { body: newRequirementBody, headers: mutationHeaders } },
    async (request, reply) => {
      const service = new RequirementService(request.db, deps.redis, realtime);
      const requirement = await service.createRequirement({ ...request.body, createdBy: actorOf(request) });
      return reply.status(201).send(requirement);
    },
  );

  app.patch<RequirementRoute & { Body: RequirementChanges }>(
    '/requirements/:requirementId',
    { schema: { params: requirementParams, body: requirementChangesBody, headers: mutationHeaders } },
    async (request) => {
      const service = new RequirementService(request.db, deps.redis, realtime);
      return service.updateRequirement(request.params.requirementId, request.body);
    },
  );

  app.post<RequirementRoute>(
    '/requirements/:requirementId/publish',
    { schema: { params: requirementParams, headers: mutationHeaders } },
    async (request) => {
      const service = new RequirementService(request.db, deps.redis, realtime);
      return service.publishRequirement(request.params.requirementId, actorOf(request), idempotencyKeyOf(request));
    },
  );

  app.post<RequirementRoute & { Body: { reason: string } }>(
    '/requirements/:requirementId/cancel',
    { schema: { params: requirementParams, body: cancelBody, headers: mutationHeaders } },
    async (request) => {
      const service = new RequirementService(request.db, deps.redis, realtime);
      return service.cancelRequirement(
        request.params.requirementId,
        request.body.reason,
        actorOf(request),
        idempotencyKeyOf(request),
      );
    },
  );

  app.post<RequirementRoute & { Body: FulfillmentInput }>(
    '/requirements/:requirementId/fulfillments',
    { schema: { params: requirementParams, body: fulfillmentBody, headers: mutationHeaders } },
    async (request, reply) => {
      const service = new RequirementService(request.db, deps.redis, realtime);
      const result = await service.updateFulfillment(request.params.requirementId, request.body);
      return reply.status(201).send(result);
    },
  );
}
