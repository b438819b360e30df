export interface Item {
  id: number;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
  archived: boolean;
}

export interface CreateItemBody {
  sku: string;
  name: string;
  price_cents: number;
  stock?: number;
}

export type UpdateItemBody = Partial<Pick<Item, 'name' | 'price_cents'>>;

export interface IdParams {
  id: number;
}

export interface ListQuery {
  page: number;
}

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export const createItemSchema = {
  type: 'object',
  required: ['sku', 'name', 'price_cents'],
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^[A-Z0-9-]{3,32}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    price_cents: { type: 'integer', minimum: 0 },
    stock: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;

export const updateItemSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    price_cents: { type: 'integer', minimum: 0 },
  },
} as const;

export const listQuerySchema = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 0, default: 0 } },
} as const;

export const shipBodySchema = {
  type: 'object',
  required: ['carrier'],
  properties: { carrier: { type: 'string', enum: ['dhl', 'ups', 'post'] } },
} as const;
