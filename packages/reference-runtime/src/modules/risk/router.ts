import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { PartnerRiskProfile, RiskFactor, RiskGrade } from './risk-engine.js';
import { RiskService, type CreditLimitInput, type SubjectType, type TradeProposal } from './risk.service.js';
import {
  alertBody,
  alertQuery,
  assessmentQuery,
  blockBody,
  creditLimitBody,
  mutationHeaders,
  organizationQuery,
  overrideBody,
  pageOf,
  params,
  partnerAssessmentBody,
  resolveBody,
  revokeBody,
  scoreBody,
  tradeAssessmentBody,
  utilizationBody,
  type PageQuery,
} from './schemas.js';

interface PartnerRoute {
  Params: { partnerId: string };
}

/** Who is acting: the signed-in user, from the session (never from a header the client fills in). */
const actorOf = (request: FastifyRequest): string | null => request.principal?.userId ?? null;

export function registerRiskRoutes(app: FastifyInstance, deps: AppDeps): void {
  // The service asks a factory for its session; here the factory hands out the request's own unit of work, so
  // whatever a failed request left open is still rolled back by the app.
  const riskService = (request: FastifyRequest): RiskService => {
    const db = request.db;
    return new RiskService(() => db, deps.ws);
  };

  // ---- assessments -------------------------------------------------------------------------------------------

  app.post<{ Params: { requirementId: string } }>(
    '/risk/requirements/:requirementId/assessments',
    { schema: { params: params.requirement, headers: mutationHeaders } },
    async (request, reply) => {
      const assessment = await riskService(request).assessRequirementRisk(request.params.requirementId, actorOf(request));
      return reply.status(201).send(assessment);
    },
  );

  app.post<{ Params: { availabilityId: string } }>(
    '/risk/availabilities/:availabilityId/assessments',
    { schema: { params: params.availability, headers: mutationHeaders } },
    async (request, reply) => {
      const assessment = await riskService(request).assessAvailabilityRisk(request.params.availabilityId, actorOf(request));
      return reply.status(201).send(assessment);
    },
  );

  app.post<PartnerRoute & { Body: { organizationId: string; profile: PartnerRiskProfile } }>(
    '/risk/partners/:partnerId/assessments',
    { schema: { params: params.partner, body: partnerAssessmentBody, headers: mutationHeaders } },
    async (request, reply) => {
      const assessment = await riskService(request).assessPartnerRisk(request.params.partnerId, request.body, actorOf(request));
      return reply.status(201).send(assessment);
    },
  );

  app.post<{ Body: TradeProposal }>(
    '/risk/trades/assessments',
    { schema: { body: tradeAssessmentBody, headers: mutationHeaders } },
    async (request, reply) => {
      const assessment = await riskService(request).assessTradeRisk(request.body, actorOf(request));
      return reply.status(201).send(assessment);
    },
  );

  app.get<{ Querystring: PageQuery & { organizationId?: string; subjectType?: SubjectType; subjectId?: string; partnerId?: string } }>(
    '/risk/assessments',
    { schema: { querystring: assessmentQuery } },
    async (request) => {
      const { organizationId, subjectType, subjectId, partnerId } = request.query;
      return riskService(request).listAssessments({ organizationId, subjectType, subjectId, partnerId, ...pageOf(request.query) });
    },
  );

  app.get<{ Params: { assessmentId: string } }>(
    '/risk/assessments/:assessmentId',
    { schema: { params: params.assessment } },
    async (request) => riskService(request).getAssessment(request.params.assessmentId),
  );

  // ---- credit ------------------------------------------------------------------------------------------------

  app.put<PartnerRoute & { Body: CreditLimitInput }>(
    '/risk/partners/:partnerId/credit-limit',
    { schema: { params: params.partner, body: creditLimitBody, headers: mutationHeaders } },
    async (request) => riskService(request).setCreditLimit(request.params.partnerId, request.body, actorOf(request)),
  );

  app.post<PartnerRoute & { Body: { organizationId: string; amount: number; reference: string } }>(
    '/risk/partners/:partnerId/credit-limit/utilization',
    { schema: { params: params.partner, body: utilizationBody, headers: mutationHeaders } },
    async (request) => riskService(request).updateCreditUtilization(request.params.partnerId, request.body),
  );

  app.get<PartnerRoute & { Querystring: { organizationId: string } }>(
    '/risk/partners/:partnerId/credit-limit',
    { schema: { params: params.partner, querystring: organizationQuery } },
    async (request) => riskService(request).getCreditLimit(request.query.organizationId, request.params.partnerId),
  );

  // ---- alerts ------------------------------------------------------------------------------------------------

  app.post<{
    Body: { organizationId: string; partnerId?: string | null; subjectType?: SubjectType | null; subjectId?: string | null; severity: RiskGrade; message: string };
  }>(
    '/risk/alerts',
    { schema: { body: alertBody, headers: mutationHeaders } },
    async (request, reply) => {
      const alert = await riskService(request).raiseAlert(request.body, actorOf(request));
      return reply.status(201).send(alert);
    },
  );

  app.post<{ Params: { alertId: string }; Body: { note: string } }>(
    '/risk/alerts/:alertId/resolve',
    { schema: { params: params.alert, body: resolveBody, headers: mutationHeaders } },
    async (request) => riskService(request).resolveAlert(request.params.alertId, request.body.note, actorOf(request)),
  );

  app.get<{ Querystring: PageQuery & { organizationId?: string; partnerId?: string; status?: 'open' | 'resolved' } }>(
    '/risk/alerts',
    { schema: { querystring: alertQuery } },
    async (request) => {
      const { organizationId, partnerId, status } = request.query;
      return riskService(request).listAlerts({ organizationId, partnerId, status, ...pageOf(request.query) });
    },
  );

  app.get<{ Params: { alertId: string } }>(
    '/risk/alerts/:alertId',
    { schema: { params: params.alert } },
    async (request) => riskService(request).getAlert(request.params.alertId),
  );

  // ---- overrides ---------------------------------------------------------------------------------------------

  app.post<{ Params: { assessmentId: string }; Body: { reason: string; expiresAt?: string | null } }>(
    '/risk/assessments/:assessmentId/overrides',
    { schema: { params: params.assessment, body: overrideBody, headers: mutationHeaders } },
    async (request, reply) => {
      const override = await riskService(request).createOverride(request.params.assessmentId, request.body, actorOf(request));
      return reply.status(201).send(override);
    },
  );

  app.post<{ Params: { overrideId: string }; Body: { reason?: string | null } }>(
    '/risk/overrides/:overrideId/revoke',
    { schema: { params: params.override, body: revokeBody, headers: mutationHeaders } },
    async (request) => riskService(request).revokeOverride(request.params.overrideId, request.body?.reason ?? null, actorOf(request)),
  );

  app.get<{ Params: { overrideId: string } }>(
    '/risk/overrides/:overrideId',
    { schema: { params: params.override } },
    async (request) => riskService(request).getOverride(request.params.overrideId),
  );

  // ---- scores and blocks -------------------------------------------------------------------------------------

  app.post<PartnerRoute & { Body: { organizationId: string; modelVersion: string; factors: RiskFactor[] } }>(
    '/risk/partners/:partnerId/scores',
    { schema: { params: params.partner, body: scoreBody, headers: mutationHeaders } },
    async (request, reply) => {
      const score = await riskService(request).recordRiskScore(request.params.partnerId, request.body, actorOf(request));
      return reply.status(201).send(score);
    },
  );

  app.get<PartnerRoute & { Querystring: { organizationId: string } }>(
    '/risk/partners/:partnerId/scores',
    { schema: { params: params.partner, querystring: organizationQuery } },
    async (request) => riskService(request).listRiskScores(request.query.organizationId, request.params.partnerId),
  );

  app.post<PartnerRoute & { Body: { organizationId: string; reason: string } }>(
    '/risk/partners/:partnerId/blocks',
    { schema: { params: params.partner, body: blockBody, headers: mutationHeaders } },
    async (request, reply) => {
      const block = await riskService(request).blockPartner(request.params.partnerId, request.body, actorOf(request));
      return reply.status(201).send(block);
    },
  );

  app.get<PartnerRoute & { Querystring: { organizationId: string } }>(
    '/risk/partners/:partnerId/blocks',
    { schema: { params: params.partner, querystring: organizationQuery } },
    async (request) => riskService(request).listBlocks(request.query.organizationId, request.params.partnerId),
  );
}
