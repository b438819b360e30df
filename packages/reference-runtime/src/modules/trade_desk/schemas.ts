import { QUANTITY_UNITS } from './units.js';

/** JSON schemas of the trade desk's routes; Fastify answers 400 naming the field when a request breaks one. */

export const uuid = { type: 'string', format: 'uuid' } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const nullableText = (maxLength: number) => ({ type: ['string', 'null'], minLength: 1, maxLength }) as const;
const nullableDate = { type: ['string', 'null'], format: 'date' } as const;

/** Quantities and prices fit numeric(14,3) / numeric(14,2) with room to spare. */
const quantity = { type: 'number', exclusiveMinimum: 0, maximum: 1e9 } as const;
const price = { type: 'number', exclusiveMinimum: 0, maximum: 1e9 } as const;
const unit = { type: 'string', enum: [...QUANTITY_UNITS] } as const;
const commodityCode = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{1,31}$' } as const;
/** Two-letter state codes as on GST registrations (GJ, MH, TG). */
const stateCode = { type: 'string', pattern: '^[A-Z]{2}$' } as const;

const qualityReadings = {
  type: 'object',
  maxProperties: 30,
  additionalProperties: { type: 'number' },
} as const;

const qualitySpec = {
  type: 'object',
  maxProperties: 30,
  additionalProperties: {
    type: 'object',
    minProperties: 1,
    properties: { min: { type: 'number' }, max: { type: 'number' } },
    additionalProperties: false,
  },
} as const;

export const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': text(255), 'x-user-id': uuid },
} as const;

/** Query strings arrive as text (the app does not coerce types), so paging is validated as digits. */
const page = {
  limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$' },
  offset: { type: 'string', pattern: '^(?:0|[1-9][0-9]{0,6})$' },
} as const;

export interface PageQuery {
  limit?: string;
  offset?: string;
}

export const pageOf = (query: PageQuery): { limit: number; offset: number } => ({
  limit: Number(query.limit ?? 50),
  offset: Number(query.offset ?? 0),
});

// ---- availabilities ------------------------------------------------------------------------------------------

export const availabilityParams = {
  type: 'object',
  required: ['availabilityId'],
  properties: { availabilityId: uuid },
} as const;

export const availabilityQuery = {
  type: 'object',
  properties: {
    organizationId: uuid,
    commodityCode,
    status: { type: 'string', enum: ['draft', 'approved', 'withdrawn'] },
    ...page,
  },
} as const;

export const newAvailabilityBody = {
  type: 'object',
  required: ['organizationId', 'sellerPartnerId', 'commodityCode', 'quantity', 'unit', 'pricePerUnit', 'location', 'stateCode'],
  properties: {
    organizationId: uuid,
    sellerPartnerId: uuid,
    commodityCode,
    variety: nullableText(80),
    quantity,
    unit,
    pricePerUnit: price,
    location: text(120),
    stateCode,
    quality: qualityReadings,
    availableFrom: nullableDate,
    availableUntil: nullableDate,
  },
} as const;

export const availabilityChangesBody = {
  type: 'object',
  minProperties: 1,
  properties: {
    variety: nullableText(80),
    quantity,
    unit,
    pricePerUnit: price,
    location: text(120),
    stateCode,
    quality: qualityReadings,
    availableFrom: nullableDate,
    availableUntil: nullableDate,
  },
} as const;

export const withdrawBody = {
  type: 'object',
  required: ['reason'],
  properties: { reason: text(500) },
} as const;

export const reservationBody = {
  type: 'object',
  required: ['quantity', 'reference'],
  properties: {
    quantity,
    reference: text(64),
    requirementId: { type: ['string', 'null'], format: 'uuid' },
    validateOnly: { type: 'boolean' },
  },
} as const;

// ---- requirements --------------------------------------------------------------------------------------------

export const requirementParams = {
  type: 'object',
  required: ['requirementId'],
  properties: { requirementId: uuid },
} as const;

export const requirementQuery = {
  type: 'object',
  properties: {
    organizationId: uuid,
    buyerPartnerId: uuid,
    commodityCode,
    status: { type: 'string', enum: ['draft', 'published', 'partially_fulfilled', 'fulfilled', 'cancelled'] },
    ...page,
  },
} as const;

export const newRequirementBody = {
  type: 'object',
  required: ['organizationId', 'buyerPartnerId', 'commodityCode', 'quantity', 'unit', 'maxPricePerUnit', 'deliveryLocation', 'deliveryStateCode'],
  properties: {
    organizationId: uuid,
    buyerPartnerId: uuid,
    commodityCode,
    variety: nullableText(80),
    quantity,
    unit,
    maxPricePerUnit: price,
    deliveryLocation: text(120),
    deliveryStateCode: stateCode,
    qualitySpec,
    requiredBy: nullableDate,
  },
} as const;

export const requirementChangesBody = {
  type: 'object',
  minProperties: 1,
  properties: {
    variety: nullableText(80),
    quantity,
    unit,
    maxPricePerUnit: price,
    deliveryLocation: text(120),
    deliveryStateCode: stateCode,
    qualitySpec,
    requiredBy: nullableDate,
  },
} as const;

export const cancelBody = {
  type: 'object',
  required: ['reason'],
  properties: { reason: text(500) },
} as const;

export const fulfillmentBody = {
  type: 'object',
  required: ['quantity', 'reference'],
  properties: {
    quantity,
    reference: text(64),
    availabilityId: { type: ['string', 'null'], format: 'uuid' },
  },
} as const;
