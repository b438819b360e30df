import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { MatchingService, type MatchStatus } from './matching.service.js';
import { availabilityParams, matchParams, matchQuery, mutationHeaders, requirementParams } from './schemas.js';

/** Who is acting: the signed-in user, from the session (never from a header the client fills in). */
const actorOf = (request: FastifyRequest): string | null => request.principal?.userId ?? null;

export function registerMatchingRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Matching needs neither Redis nor the WebSocket manager: results are read back by the desk.
  void deps;

  app.post<{ Params: { requirementId: string } }>(
    '/matching/requirements/:requirementId/runs',
    { schema: { params: requirementParams, headers: mutationHeaders } },
    async (request, reply) => {
      const { db } = request;
      const run = await new MatchingService(db).findAndStoreMatches({ requirementId: request.params.requirementId });
      return reply.status(201).send(run);
    },
  );

  app.post<{ Params: { availabilityId: string } }>(
    '/matching/availabilities/:availabilityId/runs',
    { schema: { params: availabilityParams, headers: mutationHeaders } },
    async (request, reply) => {
      const { db } = request;
      const run = await new MatchingService(db).findAndStoreMatches({ availabilityId: request.params.availabilityId });
      return reply.status(201).send(run);
    },
  );

  app.get<{
    Querystring: { organizationId?: string; requirementId?: string; availabilityId?: string; status?: MatchStatus; limit?: string; offset?: string };
  }>('/matches', { schema: { querystring: matchQuery } }, async (request) => {
    const { db } = request;
    const { limit, offset, ...filter } = request.query;
    return new MatchingService(db).listMatches({ ...filter, limit: Number(limit ?? 50), offset: Number(offset ?? 0) });
  });

  app.get<{ Params: { matchId: string } }>('/matches/:matchId', { schema: { params: matchParams } }, async (request) => {
    const { db } = request;
    return new MatchingService(db).getMatch(request.params.matchId);
  });

  app.post<{ Params: { matchId: string } }>(
    '/matches/:matchId/accept',
    { schema: { params: matchParams, headers: mutationHeaders } },
    async (request) => {
      const { db } = request;
      return new MatchingService(db).acceptMatch(request.params.matchId, actorOf(request));
    },
  );
}
