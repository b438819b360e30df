/** JSON schemas of the matching routes. */

const uuid = { type: 'string', format: 'uuid' } as const;

export const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 }, 'x-user-id': uuid },
} as const;

export const requirementParams = { type: 'object', required: ['requirementId'], properties: { requirementId: uuid } } as const;
export const availabilityParams = { type: 'object', required: ['availabilityId'], properties: { availabilityId: uuid } } as const;
export const matchParams = { type: 'object', required: ['matchId'], properties: { matchId: uuid } } as const;

export const matchQuery = {
  type: 'object',
  properties: {
    organizationId: uuid,
    requirementId: uuid,
    availabilityId: uuid,
    status: { type: 'string', enum: ['proposed', 'accepted', 'superseded'] },
    // Query strings arrive as text (the app does not coerce types).
    limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|100)$' },
    offset: { type: 'string', pattern: '^(?:0|[1-9][0-9]{0,6})$' },
  },
} as const;
