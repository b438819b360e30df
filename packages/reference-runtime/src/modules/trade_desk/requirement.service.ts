import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';
import type { QuantityUnit } from './units.js';
import type { RequirementWebSocketService } from './websocket/requirement-websocket.js';

export type RequirementStatus = 'draft' | 'published' | 'partially_fulfilled' | 'fulfilled' | 'cancelled';

/** Acceptable range of one quality parameter; either bound may be absent. */
export interface QualityRange {
  min?: number;
  max?: number;
}
export type QualitySpec = Record<string, QualityRange>;

export interface NewRequirement {
  organizationId: string;
  buyerPartnerId: string;
  commodityCode: string;
  variety?: string | null;
  quantity: number;
  unit: QuantityUnit;
  maxPricePerUnit: number;
  deliveryLocation: string;
  deliveryStateCode: string;
  qualitySpec?: QualitySpec;
  requiredBy?: string | null;
  createdBy?: string | null;
}

export type RequirementChanges = Partial<
  Pick<NewRequirement, 'variety' | 'quantity' | 'unit' | 'maxPricePerUnit' | 'deliveryLocation' | 'deliveryStateCode' | 'qualitySpec' | 'requiredBy'>
>;

export interface Requirement {
  id: string;
  organizationId: string;
  buyerPartnerId: string;
  commodityCode: string;
  variety: string | null;
  quantity: number;
  fulfilledQuantity: number;
  remainingQuantity: number;
  unit: QuantityUnit;
  maxPricePerUnit: number;
  currency: string;
  deliveryLocation: string;
  deliveryStateCode: string;
  qualitySpec: QualitySpec;
  requiredBy: string | null;
  status: RequirementStatus;
  createdBy: string | null;
  publishedAt: Date | string | null;
  fulfilledAt: Date | string | null;
  cancelledAt: Date | string | null;
  cancellationReason: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

export interface RequirementFilter {
  organizationId?: string;
  buyerPartnerId?: string;
  commodityCode?: string;
  status?: RequirementStatus;
  limit: number;
  offset: number;
}

export interface FulfillmentInput {
  quantity: number;
  /** Contract or delivery note number; unique per requirement. */
  reference: string;
  availabilityId?: string | null;
}

export interface Fulfillment {
  id: string;
  requirementId: string;
  availabilityId: string | null;
  quantity: number;
  reference: string;
  recordedAt: Date;
}

const REQUIREMENT_COLUMNS = `id, organization_id AS "organizationId", buyer_partner_id AS "buyerPartnerId",
  commodity_code AS "commodityCode", variety, quantity::float8 AS quantity,
  fulfilled_quantity::float8 AS "fulfilledQuantity", (quantity - fulfilled_quantity)::float8 AS "remainingQuantity",
  unit, max_price_per_unit::float8 AS "maxPricePerUnit", currency, delivery_location AS "deliveryLocation",
  delivery_state_code AS "deliveryStateCode", quality_spec AS "qualitySpec", required_by::text AS "requiredBy", status,
  created_by AS "createdBy", published_at AS "publishedAt", fulfilled_at AS "fulfilledAt",
  cancelled_at AS "cancelledAt", cancellation_reason AS "cancellationReason", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

const FULFILLMENT_COLUMNS = `id, requirement_id AS "requirementId", availability_id AS "availabilityId",
  quantity::float8 AS quantity, reference, recorded_at AS "recordedAt"`;

const EDITABLE_COLUMNS: Record<keyof RequirementChanges, string> = {
  variety: 'variety',
  quantity: 'quantity',
  unit: 'unit',
  maxPricePerUnit: 'max_price_per_unit',
  deliveryLocation: 'delivery_location',
  deliveryStateCode: 'delivery_state_code',
  qualitySpec: 'quality_spec',
  requiredBy: 'required_by',
};

const OPEN: readonly RequirementStatus[] = ['published', 'partially_fulfilled'];

function checkQualitySpec(spec: QualitySpec | undefined): void {
  for (const [parameter, range] of Object.entries(spec ?? {})) {
    if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
      throw badRequest(`qualitySpec.${parameter}: min (${range.min}) is above max (${range.max})`);
    }
  }
}

/**
 * Buyers' requirements. Publishing and cancelling went onto the outbox pattern first, because matching and the
 * sellers' screens hang off them; drafting, edits and fulfilment still commit on their own. Every change is also
 * pushed to the desk over WebSocket once it is committed.
 */
export class RequirementService {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly redis?: RedisClient,
    private readonly realtime?: RequirementWebSocketService,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async listRequirements(filter: RequirementFilter): Promise<Requirement[]> {
    const { rows } = await this.db.execute<Requirement>(
      `SELECT ${REQUIREMENT_COLUMNS} FROM requirements
       WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::uuid IS NULL OR buyer_partner_id = $2)
         AND ($3::text IS NULL OR commodity_code = $3) AND ($4::text IS NULL OR status = $4)
       ORDER BY created_at DESC, id LIMIT $5 OFFSET $6`,
      [filter.organizationId ?? null, filter.buyerPartnerId ?? null, filter.commodityCode ?? null,
        filter.status ?? null, filter.limit, filter.offset],
    );
    return rows;
  }

  async getRequirement(requirementId: string): Promise<Requirement & { fulfillments: Fulfillment[] }> {
    const { rows } = await this.db.execute<Requirement>(`SELECT ${REQUIREMENT_COLUMNS} FROM requirements WHERE id = $1`, [
      requirementId,
    ]);
    if (!rows[0]) throw notFound('requirement', requirementId);
    const fulfillments = await this.db.execute<Fulfillment>(
      `SELECT ${FULFILLMENT_COLUMNS} FROM requirement_fulfillments WHERE requirement_id = $1 ORDER BY recorded_at, id`,
      [requirementId],
    );
    return { ...rows[0], fulfillments: fulfillments.rows };
  }

  async createRequirement(input: NewRequirement): Promise<Requirement> {
    checkQualitySpec(input.qualitySpec);
    const { rows } = await this.db.execute<Requirement>(
      `INSERT INTO requirements (organization_id, buyer_partner_id, commodity_code, variety, quantity, unit,
                                 max_price_per_unit, delivery_location, delivery_state_code, quality_spec,
                                 required_by, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)
       RETURNING ${REQUIREMENT_COLUMNS}`,
      [
        input.organizationId, input.buyerPartnerId, input.commodityCode.toUpperCase(), input.variety ?? null,
        input.quantity, input.unit, input.maxPricePerUnit, input.deliveryLocation.trim(), input.deliveryStateCode,
        JSON.stringify(input.qualitySpec ?? {}), input.requiredBy ?? null, input.createdBy ?? null,
      ],
    );
    await this.db.commit();
    await this.realtime?.requirementCreated(rows[0]!);
    return rows[0]!;
  }

  /**
   * Edits a requirement that is still open. Once something has been delivered against it, the unit is fixed and
   * the quantity cannot drop to or below what was delivered (close it with a fulfilment instead).
   */
  async updateRequirement(requirementId: string, changes: RequirementChanges): Promise<Requirement> {
    const current = await this.lockRequirement(requirementId);
    if (current.status === 'fulfilled' || current.status === 'cancelled') {
      throw conflict(`requirement ${requirementId} is ${current.status} and can no longer be edited`);
    }
    checkQualitySpec(changes.qualitySpec);
    if (current.fulfilledQuantity > 0) {
      if (changes.unit !== undefined && changes.unit !== current.unit) {
        throw conflict(`unit cannot change: ${current.fulfilledQuantity} ${current.unit} are already fulfilled`);
      }
      if (changes.quantity !== undefined && changes.quantity <= current.fulfilledQuantity) {
        throw conflict(`quantity ${changes.quantity} must stay above the ${current.fulfilledQuantity} ${current.unit} already fulfilled`);
      }
    }
    const requirement = await this.applyChanges(requirementId, changes);
    await this.db.commit();
    await this.realtime?.requirementUpdated(requirement);
    return requirement;
  }

  async publishRequirement(requirementId: string, publishedBy: string | null, idempotencyKey?: string): Promise<Requirement> {
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);
      if (cached) return JSON.parse(cached) as Requirement;
    }

    const current = await this.lockRequirement(requirementId);
    if (current.status !== 'draft') throw conflict(`requirement ${requirementId} is already ${current.status}`);
    const { rows } = await this.db.execute<Requirement>(
      `UPDATE requirements SET status = 'published', published_at = now(), updated_at = now() WHERE id = $1
       RETURNING ${REQUIREMENT_COLUMNS}`,
      [requirementId],
    );
    const requirement = rows[0]!;

    await this.outboxRepo.addEvent({
      eventType: 'requirement.published',
      aggregateType: 'requirement',
      aggregateId: requirementId,
      organizationId: requirement.organizationId,
      payload: {
        requirementId,
        publishedBy,
        buyerPartnerId: requirement.buyerPartnerId,
        commodityCode: requirement.commodityCode,
        quantity: requirement.quantity,
        unit: requirement.unit,
        maxPricePerUnit: requirement.maxPricePerUnit,
        deliveryStateCode: requirement.deliveryStateCode,
      },
    });
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify(requirement));
    }
    await this.realtime?.requirementPublished(requirement);
    return requirement;
  }

  async cancelRequirement(requirementId: string, reason: string, cancelledBy: string | null, idempotencyKey?: string): Promise<Requirement> {
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);
      if (cached) return JSON.parse(cached) as Requirement;
    }

    const current = await this.lockRequirement(requirementId);
    if (current.status === 'fulfilled' || current.status === 'cancelled') {
      throw conflict(`requirement ${requirementId} is already ${current.status}`);
    }
    const { rows } = await this.db.execute<Requirement>(
      `UPDATE requirements SET status = 'cancelled', cancelled_at = now(), cancellation_reason = $2, updated_at = now()
       WHERE id = $1 RETURNING ${REQUIREMENT_COLUMNS}`,
      [requirementId, reason],
    );
    const requirement = rows[0]!;

    await this.outboxRepo.addEvent({
      eventType: 'requirement.cancelled',
      aggregateType: 'requirement',
      aggregateId: requirementId,
      organizationId: requirement.organizationId,
      payload: {
        requirementId,
        reason,
        cancelledBy,
        previousStatus: current.status,
        fulfilledQuantity: requirement.fulfilledQuantity,
      },
    });
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify(requirement));
    }
    await this.realtime?.requirementCancelled(requirement);
    return requirement;
  }

  /** Records a delivery or contract against an open requirement; the last one that covers it closes it. */
  async updateFulfillment(requirementId: string, input: FulfillmentInput): Promise<{ requirement: Requirement; fulfillment: Fulfillment }> {
    const current = await this.lockRequirement(requirementId);
    if (!OPEN.includes(current.status)) {
      throw conflict(`requirement ${requirementId} is ${current.status}; only a published requirement can be fulfilled`);
    }
    if (input.quantity > current.remainingQuantity) {
      throw conflict(`quantity ${input.quantity} exceeds the ${current.remainingQuantity} ${current.unit} still required`);
    }

    const inserted = await this.db.execute<Fulfillment>(
      `INSERT INTO requirement_fulfillments (requirement_id, availability_id, quantity, reference)
       VALUES ($1, $2, $3, $4) RETURNING ${FULFILLMENT_COLUMNS}`,
      [requirementId, input.availabilityId ?? null, input.quantity, input.reference],
    );
    const { rows } = await this.db.execute<Requirement>(
      `UPDATE requirements
         SET fulfilled_quantity = fulfilled_quantity + $2,
             status = CASE WHEN fulfilled_quantity + $2 >= quantity THEN 'fulfilled' ELSE 'partially_fulfilled' END,
             fulfilled_at = CASE WHEN fulfilled_quantity + $2 >= quantity THEN now() END,
             updated_at = now()
       WHERE id = $1 RETURNING ${REQUIREMENT_COLUMNS}`,
      [requirementId, input.quantity],
    );
    const requirement = rows[0]!;
    const fulfillment = inserted.rows[0]!;

    if (requirement.status === 'fulfilled') {
      await this.outboxRepo.addEvent({
        eventType: 'requirement.fulfilled',
        aggregateType: 'requirement',
        aggregateId: requirementId,
        organizationId: requirement.organizationId,
        payload: { requirementId, quantity: requirement.quantity, unit: requirement.unit, lastReference: input.reference },
      });
    }
    await this.db.commit();
    await this.realtime?.fulfillmentUpdated(requirement, fulfillment);
    return { requirement, fulfillment };
  }

  private async applyChanges(requirementId: string, changes: RequirementChanges): Promise<Requirement> {
    const fields = (Object.keys(EDITABLE_COLUMNS) as (keyof RequirementChanges)[]).filter((f) => changes[f] !== undefined);
    if (fields.length === 0) throw badRequest('body must change at least one of ' + Object.keys(EDITABLE_COLUMNS).join(', '));
    const values = fields.map((f) => (f === 'qualitySpec' ? JSON.stringify(changes.qualitySpec) : changes[f]));
    const assignments = fields.map((f, i) => `${EDITABLE_COLUMNS[f]} = $${i + 2}${f === 'qualitySpec' ? '::jsonb' : ''}`);
    const { rows } = await this.db.execute<Requirement>(
      `UPDATE requirements SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${REQUIREMENT_COLUMNS}`,
      [requirementId, ...values],
    );
    return rows[0]!;
  }

  private async lockRequirement(requirementId: string): Promise<Requirement> {
    const { rows } = await this.db.execute<Requirement>(
      `SELECT ${REQUIREMENT_COLUMNS} FROM requirements WHERE id = $1 FOR UPDATE`,
      [requirementId],
    );
    if (!rows[0]) throw notFound('requirement', requirementId);
    return rows[0];
  }
}
