/** JSON schemas of the risk routes. */

const uuid = { type: 'string', format: 'uuid' } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
/** INR amounts fit numeric(16,2). */
const amount = { type: 'number', minimum: 0, maximum: 1e13 } as const;
const grade = { type: 'string', enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] } as const;

export const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': text(255), 'x-user-id': uuid },
} as const;

const page = {
  limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$' },
  offset: { type: 'string', pattern: '^(?:0|[1-9][0-9]{0,6})$' },
} as const;

export const params = {
  requirement: { type: 'object', required: ['requirementId'], properties: { requirementId: uuid } },
  availability: { type: 'object', required: ['availabilityId'], properties: { availabilityId: uuid } },
  partner: { type: 'object', required: ['partnerId'], properties: { partnerId: uuid } },
  assessment: { type: 'object', required: ['assessmentId'], properties: { assessmentId: uuid } },
  alert: { type: 'object', required: ['alertId'], properties: { alertId: uuid } },
  override: { type: 'object', required: ['overrideId'], properties: { overrideId: uuid } },
} as const;

/** Reads of a partner's data are always within one organisation. */
export const organizationQuery = {
  type: 'object',
  required: ['organizationId'],
  properties: { organizationId: uuid },
} as const;

export const assessmentQuery = {
  type: 'object',
  properties: {
    organizationId: uuid,
    subjectType: { type: 'string', enum: ['requirement', 'availability', 'partner', 'trade'] },
    subjectId: uuid,
    partnerId: uuid,
    ...page,
  },
} as const;

export const alertQuery = {
  type: 'object',
  properties: { organizationId: uuid, partnerId: uuid, status: { type: 'string', enum: ['open', 'resolved'] }, ...page },
} as const;

export const partnerAssessmentBody = {
  type: 'object',
  required: ['organizationId', 'profile'],
  properties: {
    organizationId: uuid,
    profile: {
      type: 'object',
      required: ['yearsInBusiness', 'avgPaymentDelayDays', 'defaultsLast12Months', 'gstCompliant', 'kycVerified'],
      properties: {
        yearsInBusiness: { type: 'number', minimum: 0, maximum: 200 },
        avgPaymentDelayDays: { type: 'number', minimum: 0, maximum: 3650 },
        defaultsLast12Months: { type: 'integer', minimum: 0, maximum: 1000 },
        gstCompliant: { type: 'boolean' },
        kycVerified: { type: 'boolean' },
      },
    },
  },
} as const;

export const tradeAssessmentBody = {
  type: 'object',
  required: ['organizationId', 'buyerPartnerId', 'sellerPartnerId', 'commodityCode', 'quantity', 'unit', 'pricePerUnit'],
  properties: {
    organizationId: uuid,
    tradeId: { type: ['string', 'null'], format: 'uuid' },
    buyerPartnerId: uuid,
    sellerPartnerId: uuid,
    commodityCode: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{1,31}$' },
    quantity: { type: 'number', exclusiveMinimum: 0, maximum: 1e9 },
    unit: { type: 'string', enum: ['KG', 'QTL', 'MT', 'BALES'] },
    pricePerUnit: { type: 'number', exclusiveMinimum: 0, maximum: 1e9 },
    referencePricePerUnit: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 1e9 },
  },
} as const;

export const creditLimitBody = {
  type: 'object',
  required: ['organizationId'],
  properties: {
    organizationId: uuid,
    limitAmount: amount,
    financials: {
      type: 'object',
      required: ['annualTurnover', 'yearsInBusiness', 'avgPaymentDelayDays', 'defaultsLast12Months'],
      properties: {
        annualTurnover: amount,
        netWorth: amount,
        yearsInBusiness: { type: 'number', minimum: 0, maximum: 200 },
        avgPaymentDelayDays: { type: 'number', minimum: 0, maximum: 3650 },
        defaultsLast12Months: { type: 'integer', minimum: 0, maximum: 1000 },
      },
    },
    validUntil: { type: ['string', 'null'], format: 'date' },
  },
} as const;

export const utilizationBody = {
  type: 'object',
  required: ['organizationId', 'amount', 'reference'],
  properties: {
    organizationId: uuid,
    // Positive draws on the limit, negative releases.
    amount: { type: 'number', minimum: -1e13, maximum: 1e13 },
    reference: text(64),
  },
} as const;

export const alertBody = {
  type: 'object',
  required: ['organizationId', 'severity', 'message'],
  properties: {
    organizationId: uuid,
    partnerId: { type: ['string', 'null'], format: 'uuid' },
    subjectType: { type: ['string', 'null'], enum: ['requirement', 'availability', 'partner', 'trade', null] },
    subjectId: { type: ['string', 'null'], format: 'uuid' },
    severity: grade,
    message: text(1000),
  },
} as const;

export const resolveBody = {
  type: 'object',
  required: ['note'],
  properties: { note: text(1000) },
} as const;

export const overrideBody = {
  type: 'object',
  required: ['reason'],
  properties: { reason: text(1000), expiresAt: { type: ['string', 'null'], format: 'date-time' } },
} as const;

export const revokeBody = {
  type: 'object',
  properties: { reason: { type: ['string', 'null'], maxLength: 1000 } },
} as const;

export const scoreBody = {
  type: 'object',
  required: ['organizationId', 'modelVersion', 'factors'],
  properties: {
    organizationId: uuid,
    modelVersion: text(40),
    factors: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['name', 'value', 'weight'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
          value: { type: 'number', minimum: 0, maximum: 1 },
          weight: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
          detail: { type: 'string', maxLength: 200 },
        },
      },
    },
  },
} as const;

export const blockBody = {
  type: 'object',
  required: ['organizationId', 'reason'],
  properties: { organizationId: uuid, reason: text(1000) },
} as const;

export interface PageQuery {
  limit?: string;
  offset?: string;
}

export const pageOf = (query: PageQuery): { limit: number; offset: number } => ({
  limit: Number(query.limit ?? 50),
  offset: Number(query.offset ?? 0),
});
