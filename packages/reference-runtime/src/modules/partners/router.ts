import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { notFound } from '../../core/http/errors.js';
import {
  PartnerService,
  type Capability,
  type FinancialDetails,
  type NewPartner,
  type PartnerChanges,
  type PartnerStatus,
  type PartnerType,
} from './partner.service.js';
import { PartnerDocumentService, inspectDocument, type DocumentUpload } from './partner-document.service.js';

const PARTNER_TYPES = ['buyer', 'seller', 'trader', 'broker', 'transporter'];
const DOCUMENT_TYPES = ['pan_card', 'gst_certificate', 'cancelled_cheque', 'trade_licence', 'incorporation_certificate', 'other'];

const uuid = { type: 'string', format: 'uuid' } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

/** Every mutating route accepts an Idempotency-Key; only approve and reject act on it so far. */
const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': text(255), 'x-user-id': uuid },
} as const;

const partnerParams = {
  type: 'object',
  required: ['partnerId'],
  properties: { partnerId: uuid },
} as const;

const detailProperties = {
  legalName: text(200),
  tradeName: optionalText(200),
  pan: { type: 'string', pattern: '^[A-Z]{5}[0-9]{4}[A-Z]$' },
  gstin: { type: ['string', 'null'], pattern: '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$' },
  contactName: optionalText(120),
  contactEmail: { type: ['string', 'null'], format: 'email', maxLength: 254 },
  contactPhone: { type: ['string', 'null'], pattern: '^\\+91[6-9][0-9]{9}$' },
  addressLine: optionalText(300),
  city: optionalText(100),
  state: optionalText(100),
  pincode: { type: ['string', 'null'], pattern: '^[1-9][0-9]{5}$' },
} as const;

const capabilitySchema = {
  type: 'object',
  required: ['canBuy', 'canSell', 'commodityCodes', 'hasWarehouse'],
  properties: {
    canBuy: { type: 'boolean' },
    canSell: { type: 'boolean' },
    commodityCodes: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{2,20}$' } },
    monthlyVolumeMt: { type: ['number', 'null'], minimum: 0, maximum: 1e9 },
    hasWarehouse: { type: 'boolean' },
  },
} as const;

const documentSchema = {
  type: 'object',
  required: ['documentType', 'fileName', 'contentType', 'contentBase64'],
  properties: {
    documentType: { type: 'string', enum: DOCUMENT_TYPES },
    fileName: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/\\\\]+$' },
    contentType: { type: 'string', enum: ['application/pdf', 'image/png', 'image/jpeg'] },
    // Strict base64 (padded, no whitespace): the stored bytes are exactly what the client sent.
    contentBase64: {
      type: 'string',
      minLength: 4,
      pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
    },
  },
} as const;

interface PartnerParams {
  partnerId: string;
}

interface CreatePartnerBody extends NewPartner {
  documents?: DocumentUpload[];
}

interface ListQuery {
  status?: PartnerStatus;
  partnerType?: PartnerType;
  organizationId?: string;
  active?: 'true' | 'false';
  limit?: string;
  offset?: string;
}

/** Who is acting: the signed-in user, from the session (never from a header the client fills in). */
function actorOf(request: FastifyRequest): string | null {
  return request.principal?.userId ?? null;
}

export function registerPartnerRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: ListQuery }>(
    '/partners',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
            partnerType: { type: 'string', enum: PARTNER_TYPES },
            organizationId: uuid,
            active: { type: 'string', enum: ['true', 'false'] },
            limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|100)$' },
            offset: { type: 'string', pattern: '^[0-9]{1,6}$' },
          },
        },
      },
    },
    async (request) => {
      const { active, limit, offset, ...filter } = request.query;
      const partners = await new PartnerService(request.db, deps.redis).listPartners({
        ...filter,
        active: active === undefined ? undefined : active === 'true',
        limit: Number(limit ?? 50),
        offset: Number(offset ?? 0),
      });
      return { partners };
    },
  );

  app.get<{ Params: PartnerParams }>('/partners/:partnerId', { schema: { params: partnerParams } }, async (request) =>
    new PartnerService(request.db, deps.redis).getPartner(request.params.partnerId),
  );

  app.post<{ Body: CreatePartnerBody }>(
    '/partners',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['partnerType', 'legalName', 'pan'],
          properties: {
            ...detailProperties,
            organizationId: { type: ['string', 'null'], format: 'uuid' },
            partnerType: { type: 'string', enum: PARTNER_TYPES },
            capability: capabilitySchema,
            documents: { type: 'array', maxItems: 5, items: documentSchema },
          },
        },
      },
    },
    async (request, reply) => {
      const db = request.db;
      const { documents = [], ...details } = request.body;
      // Check every file before the partner is committed, so a bad file cannot leave a half-onboarded partner.
      documents.forEach(inspectDocument);

      const partner = await new PartnerService(db, deps.redis).createPartner(details);
      await db.commit();

      const stored = [];
      if (documents.length > 0) {
        const documentService = new PartnerDocumentService(db);
        for (const document of documents) {
          stored.push(await documentService.uploadDocument(partner.id, document, actorOf(request)));
        }
        await db.commit();
      }
      return reply.status(201).send({ ...partner, documents: stored });
    },
  );

  app.patch<{ Params: PartnerParams; Body: PartnerChanges }>(
    '/partners/:partnerId',
    {
      schema: {
        headers: mutationHeaders,
        params: partnerParams,
        body: { type: 'object', minProperties: 1, properties: detailProperties },
      },
    },
    async (request) => {
      const db = request.db;
      const partner = await new PartnerService(db, deps.redis).updatePartner(request.params.partnerId, request.body);
      await db.commit();
      return partner;
    },
  );

  app.put<{ Params: PartnerParams; Body: Capability }>(
    '/partners/:partnerId/capability',
    { schema: { headers: mutationHeaders, params: partnerParams, body: capabilitySchema } },
    async (request) => {
      const db = request.db;
      const outcome = await new PartnerService(db, deps.redis).updateCapability(request.params.partnerId, request.body);
      await db.commit();
      return outcome;
    },
  );

  app.put<{ Params: PartnerParams; Body: FinancialDetails }>(
    '/partners/:partnerId/financial-details',
    {
      schema: {
        headers: mutationHeaders,
        params: partnerParams,
        body: {
          type: 'object',
          required: ['bankName', 'accountNumber', 'ifsc'],
          properties: {
            bankName: text(120),
            accountNumber: { type: 'string', pattern: '^[0-9]{9,18}$' },
            ifsc: { type: 'string', pattern: '^[A-Z]{4}0[A-Z0-9]{6}$' },
            annualTurnover: { type: ['number', 'null'], minimum: 0, maximum: 1e15 },
            creditLimit: { type: ['number', 'null'], minimum: 0, maximum: 1e15 },
            paymentTermsDays: { type: 'integer', minimum: 0, maximum: 365 },
          },
        },
      },
    },
    async (request) => {
      const db = request.db;
      const financials = await new PartnerService(db, deps.redis).updateFinancialDetails(
        request.params.partnerId,
        request.body,
      );
      await db.commit();
      return financials;
    },
  );

  app.post<{ Params: PartnerParams; Body: { reason?: string } }>(
    '/partners/:partnerId/toggle-active',
    {
      schema: {
        headers: mutationHeaders,
        params: partnerParams,
        body: { type: 'object', properties: { reason: text(500) } },
      },
    },
    async (request) => {
      const partner = await new PartnerService(request.db, deps.redis).toggleActiveStatus(
        request.params.partnerId,
        request.body.reason ?? null,
        actorOf(request),
      );
      await request.db.commit();
      return partner;
    },
  );

  // Review decisions commit in the service and are replayed from Redis when the desk retries with the same key.
  app.post<{ Params: PartnerParams }>(
    '/partners/:partnerId/approve',
    { schema: { headers: mutationHeaders, params: partnerParams } },
    async (request) =>
      new PartnerService(request.db, deps.redis).approvePartner(
        request.params.partnerId,
        actorOf(request),
        request.headers['idempotency-key'] as string | undefined,
      ),
  );

  app.post<{ Params: PartnerParams; Body: { reason: string } }>(
    '/partners/:partnerId/reject',
    {
      schema: {
        headers: mutationHeaders,
        params: partnerParams,
        body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 3, maxLength: 1000 } } },
      },
    },
    async (request) =>
      new PartnerService(request.db, deps.redis).rejectPartner(
        request.params.partnerId,
        request.body.reason,
        actorOf(request),
        request.headers['idempotency-key'] as string | undefined,
      ),
  );

  app.post<{ Params: PartnerParams; Body: DocumentUpload }>(
    '/partners/:partnerId/documents',
    { schema: { headers: mutationHeaders, params: partnerParams, body: documentSchema } },
    async (request, reply) => {
      const db = request.db;
      const document = await new PartnerDocumentService(db).uploadDocument(
        request.params.partnerId,
        request.body,
        actorOf(request),
      );
      await db.commit();
      return reply.status(201).send(document);
    },
  );

  app.get<{ Params: PartnerParams }>(
    '/partners/:partnerId/documents',
    { schema: { params: partnerParams } },
    async (request) => {
      const db = request.db;
      const { partnerId } = request.params;
      // The KYC screen's listing, read straight from the tables; the left join tells "no documents" from "no partner".
      const { rows } = await db.execute<{ documentId: string | null } & Record<string, unknown>>(
        `SELECT d.id AS "documentId", d.document_type AS "documentType", d.file_name AS "fileName",
                d.content_type AS "contentType", d.size_bytes AS "sizeBytes", d.sha256, d.uploaded_by AS "uploadedBy",
                d.uploaded_at AS "uploadedAt"
         FROM partners p LEFT JOIN partner_documents d ON d.partner_id = p.id
         WHERE p.id = $1 ORDER BY d.uploaded_at, d.id`,
        [partnerId],
      );
      if (rows.length === 0) throw notFound('partner', partnerId);
      const documents = rows
        .filter((row) => row.documentId !== null)
        .map(({ documentId, ...document }) => ({ id: documentId, ...document }));
      return { partnerId, documents };
    },
  );
}
