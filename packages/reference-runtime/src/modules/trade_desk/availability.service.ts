import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';
import type { QuantityUnit } from './units.js';

export type AvailabilityStatus = 'draft' | 'approved' | 'withdrawn';

/** Measured quality of a lot, by parameter: `{ staple_length_mm: 29.5, moisture_pct: 7.2 }`. */
export type QualityReadings = Record<string, number>;

export interface NewAvailability {
  organizationId: string;
  sellerPartnerId: string;
  commodityCode: string;
  variety?: string | null;
  quantity: number;
  unit: QuantityUnit;
  pricePerUnit: number;
  location: string;
  stateCode: string;
  quality?: QualityReadings;
  availableFrom?: string | null;
  availableUntil?: string | null;
  createdBy?: string | null;
}

export type AvailabilityChanges = Partial<
  Pick<NewAvailability, 'variety' | 'quantity' | 'unit' | 'pricePerUnit' | 'location' | 'stateCode' | 'quality' | 'availableFrom' | 'availableUntil'>
>;

export interface Availability {
  id: string;
  organizationId: string;
  sellerPartnerId: string;
  commodityCode: string;
  variety: string | null;
  quantity: number;
  reservedQuantity: number;
  availableQuantity: number;
  unit: QuantityUnit;
  pricePerUnit: number;
  currency: string;
  location: string;
  stateCode: string;
  quality: QualityReadings;
  availableFrom: string | null;
  availableUntil: string | null;
  status: AvailabilityStatus;
  createdBy: string | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AvailabilityFilter {
  organizationId?: string;
  commodityCode?: string;
  status?: AvailabilityStatus;
  limit: number;
  offset: number;
}

/** What an approval returns, and what is cached under the request's idempotency key. */
export interface AvailabilityApproval {
  availabilityId: string;
  status: 'approved';
  approvedBy: string | null;
  approvedAt: string;
}

export interface ReservationRequest {
  quantity: number;
  /** The deal or negotiation the hold is for; unique per availability. */
  reference: string;
  requirementId?: string | null;
  reservedBy?: string | null;
  /** Check that the hold would succeed (quantity, constraints) without keeping it. */
  validateOnly?: boolean;
}

export interface Reservation {
  id: string;
  availabilityId: string;
  requirementId: string | null;
  quantity: number;
  reference: string;
  reservedBy: string | null;
  createdAt: Date;
}

export type ReservationOutcome =
  | { reserved: true; committed: boolean; reservation: Reservation; availableQuantity: number }
  | { reserved: false; availabilityId: string; requested: number; availableQuantity: number; unit: QuantityUnit };

const AVAILABILITY_COLUMNS = `id, organization_id AS "organizationId", seller_partner_id AS "sellerPartnerId",
  commodity_code AS "commodityCode", variety, quantity::float8 AS quantity,
  reserved_quantity::float8 AS "reservedQuantity", (quantity - reserved_quantity)::float8 AS "availableQuantity",
  unit, price_per_unit::float8 AS "pricePerUnit", currency, location, state_code AS "stateCode", quality,
  available_from::text AS "availableFrom", available_until::text AS "availableUntil", status,
  created_by AS "createdBy", approved_by AS "approvedBy", approved_at AS "approvedAt", withdrawn_at AS "withdrawnAt",
  withdrawal_reason AS "withdrawalReason", created_at AS "createdAt", updated_at AS "updatedAt"`;

const RESERVATION_COLUMNS = `id, availability_id AS "availabilityId", requirement_id AS "requirementId",
  quantity::float8 AS quantity, reference, reserved_by AS "reservedBy", created_at AS "createdAt"`;

/** Request field → column, for the fields a draft may change. */
const EDITABLE_COLUMNS: Record<keyof AvailabilityChanges, string> = {
  variety: 'variety',
  quantity: 'quantity',
  unit: 'unit',
  pricePerUnit: 'price_per_unit',
  location: 'location',
  stateCode: 'state_code',
  quality: 'quality',
  availableFrom: 'available_from',
  availableUntil: 'available_until',
};

function checkWindow(from: string | null | undefined, until: string | null | undefined): void {
  // ISO dates compare correctly as strings.
  if (from && until && until < from) throw badRequest(`availableUntil (${until}) must not be before availableFrom (${from})`);
}

/**
 * Sellers' offers on the trade desk. Approval was moved onto the outbox pattern with the partner reviews; the rest
 * still commits without an event, and withdrawal's event was bolted on after its commit.
 */
export class AvailabilityService {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly redis?: RedisClient,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async listAvailabilities(filter: AvailabilityFilter): Promise<Availability[]> {
    const { rows } = await this.db.execute<Availability>(
      `SELECT ${AVAILABILITY_COLUMNS} FROM availabilities
       WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::text IS NULL OR commodity_code = $2)
         AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, id LIMIT $4 OFFSET $5`,
      [filter.organizationId ?? null, filter.commodityCode ?? null, filter.status ?? null, filter.limit, filter.offset],
    );
    return rows;
  }

  async getAvailability(availabilityId: string): Promise<Availability & { reservations: Reservation[] }> {
    const { rows } = await this.db.execute<Availability>(
      `SELECT ${AVAILABILITY_COLUMNS} FROM availabilities WHERE id = $1`,
      [availabilityId],
    );
    if (!rows[0]) throw notFound('availability', availabilityId);
    const reservations = await this.db.execute<Reservation>(
      `SELECT ${RESERVATION_COLUMNS} FROM availability_reservations WHERE availability_id = $1 ORDER BY created_at, id`,
      [availabilityId],
    );
    return { ...rows[0], reservations: reservations.rows };
  }

  async createAvailability(input: NewAvailability): Promise<Availability> {
    checkWindow(input.availableFrom, input.availableUntil);
    const { rows } = await this.db.execute<Availability>(
      `INSERT INTO availabilities (organization_id, seller_partner_id, commodity_code, variety, quantity, unit,
                                   price_per_unit, location, state_code, quality, available_from, available_until,
                                   created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)
       RETURNING ${AVAILABILITY_COLUMNS}`,
      [
        input.organizationId, input.sellerPartnerId, input.commodityCode.toUpperCase(), input.variety ?? null,
        input.quantity, input.unit, input.pricePerUnit, input.location.trim(), input.stateCode,
        JSON.stringify(input.quality ?? {}), input.availableFrom ?? null, input.availableUntil ?? null,
        input.createdBy ?? null,
      ],
    );
    await this.db.commit();
    return rows[0]!;
  }

  /** Edits a draft. Approved offers are what buyers were matched against, so they are withdrawn, not edited. */
  async updateAvailability(availabilityId: string, changes: AvailabilityChanges): Promise<Availability> {
    const current = await this.lockAvailability(availabilityId);
    if (current.status !== 'draft') {
      throw conflict(`availability ${availabilityId} is ${current.status}; only a draft can be edited`);
    }
    const fields = (Object.keys(EDITABLE_COLUMNS) as (keyof AvailabilityChanges)[]).filter((f) => changes[f] !== undefined);
    if (fields.length === 0) throw badRequest('body must change at least one of ' + Object.keys(EDITABLE_COLUMNS).join(', '));
    checkWindow(
      changes.availableFrom !== undefined ? changes.availableFrom : current.availableFrom,
      changes.availableUntil !== undefined ? changes.availableUntil : current.availableUntil,
    );

    const values = fields.map((f) => (f === 'quality' ? JSON.stringify(changes.quality) : changes[f]));
    const assignments = fields.map((f, i) => `${EDITABLE_COLUMNS[f]} = $${i + 2}${f === 'quality' ? '::jsonb' : ''}`);
    const { rows } = await this.db.execute<Availability>(
      `UPDATE availabilities SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1
       RETURNING ${AVAILABILITY_COLUMNS}`,
      [availabilityId, ...values],
    );
    await this.db.commit();
    return rows[0]!;
  }

  async approveAvailability(availabilityId: string, approvedBy: string | null, idempotencyKey?: string): Promise<AvailabilityApproval> {
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);
      if (cached) return JSON.parse(cached) as AvailabilityApproval;
    }

    const availability = await this.lockAvailability(availabilityId);
    if (availability.status !== 'draft') {
      throw conflict(`availability ${availabilityId} is already ${availability.status}`);
    }
    const { rows } = await this.db.execute<{ approvedAt: Date }>(
      `UPDATE availabilities SET status = 'approved', approved_by = $2, approved_at = now(), updated_at = now()
       WHERE id = $1 RETURNING approved_at AS "approvedAt"`,
      [availabilityId, approvedBy],
    );
    const result: AvailabilityApproval = {
      availabilityId,
      status: 'approved',
      approvedBy,
      approvedAt: rows[0]!.approvedAt.toISOString(),
    };

    await this.outboxRepo.addEvent({
      eventType: 'availability.approved',
      aggregateType: 'availability',
      aggregateId: availabilityId,
      organizationId: availability.organizationId,
      payload: {
        ...result,
        sellerPartnerId: availability.sellerPartnerId,
        commodityCode: availability.commodityCode,
        quantity: availability.quantity,
        unit: availability.unit,
        pricePerUnit: availability.pricePerUnit,
      },
    });
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify(result));
    }
    return result;
  }

  async withdrawAvailability(availabilityId: string, reason: string, withdrawnBy: string | null): Promise<Availability> {
    const current = await this.lockAvailability(availabilityId);
    if (current.status === 'withdrawn') throw conflict(`availability ${availabilityId} is already withdrawn`);
    if (current.reservedQuantity > 0) {
      throw conflict(`availability ${availabilityId} has ${current.reservedQuantity} ${current.unit} on hold; release the holds first`);
    }
    const { rows } = await this.db.execute<Availability>(
      `UPDATE availabilities SET status = 'withdrawn', withdrawn_at = now(), withdrawal_reason = $2, updated_at = now()
       WHERE id = $1 RETURNING ${AVAILABILITY_COLUMNS}`,
      [availabilityId, reason],
    );
    await this.db.commit();

    // Known gap (the audit's "event after commit"): this was added later for the matching subscribers, after the
    // commit, so it opens a transaction nobody commits and the request's end rolls the event back.
    await this.outboxRepo.addEvent({
      eventType: 'availability.withdrawn',
      aggregateType: 'availability',
      aggregateId: availabilityId,
      organizationId: current.organizationId,
      payload: { availabilityId, reason, withdrawnBy },
    });
    return rows[0]!;
  }

  /**
   * Puts part of an approved lot on hold for a deal. Not enough left is an answer, not an error: the desk shows
   * what is still free. With `validateOnly` the hold is written (so the database checks it) and then left
   * uncommitted, which the request's end rolls back.
   */
  reserveQuantity = async (availabilityId: string, hold: ReservationRequest): Promise<ReservationOutcome> => {
    const availability = await this.lockAvailability(availabilityId);
    if (availability.status !== 'approved') {
      throw conflict(`availability ${availabilityId} is ${availability.status}; only an approved one can be reserved`);
    }
    if (hold.quantity > availability.availableQuantity) {
      return {
        reserved: false,
        availabilityId,
        requested: hold.quantity,
        availableQuantity: availability.availableQuantity,
        unit: availability.unit,
      };
    }

    const { rows } = await this.db.execute<Reservation>(
      `INSERT INTO availability_reservations (availability_id, requirement_id, quantity, reference, reserved_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${RESERVATION_COLUMNS}`,
      [availabilityId, hold.requirementId ?? null, hold.quantity, hold.reference, hold.reservedBy ?? null],
    );
    const updated = await this.db.execute<{ availableQuantity: number }>(
      `UPDATE availabilities SET reserved_quantity = reserved_quantity + $2, updated_at = now() WHERE id = $1
       RETURNING (quantity - reserved_quantity)::float8 AS "availableQuantity"`,
      [availabilityId, hold.quantity],
    );
    if (!hold.validateOnly) await this.db.commit();
    return {
      reserved: true,
      committed: !hold.validateOnly,
      reservation: rows[0]!,
      availableQuantity: updated.rows[0]!.availableQuantity,
    };
  };

  /** Reads the row under a lock, so a status check and the write that depends on it see the same row. */
  private async lockAvailability(availabilityId: string): Promise<Availability> {
    const { rows } = await this.db.execute<Availability>(
      `SELECT ${AVAILABILITY_COLUMNS} FROM availabilities WHERE id = $1 FOR UPDATE`,
      [availabilityId],
    );
    if (!rows[0]) throw notFound('availability', availabilityId);
    return rows[0];
  }
}
