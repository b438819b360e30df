import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';

export type PartnerType = 'buyer' | 'seller' | 'trader' | 'broker' | 'transporter';
export type PartnerStatus = 'pending' | 'approved' | 'rejected';

export interface PartnerDetails {
  legalName: string;
  tradeName?: string | null;
  pan: string;
  gstin?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  addressLine?: string | null;
  city?: string | null;
  state?: string | null;
  pincode?: string | null;
}

export interface NewPartner extends PartnerDetails {
  organizationId?: string | null;
  partnerType: PartnerType;
  capability?: Capability;
}

export type PartnerChanges = Partial<PartnerDetails>;

export interface Capability {
  canBuy: boolean;
  canSell: boolean;
  commodityCodes: string[];
  monthlyVolumeMt?: number | null;
  hasWarehouse: boolean;
}

export interface FinancialDetails {
  bankName: string;
  accountNumber: string;
  ifsc: string;
  annualTurnover?: number | null;
  creditLimit?: number | null;
  paymentTermsDays?: number;
}

export interface Partner {
  id: string;
  organizationId: string | null;
  partnerType: PartnerType;
  legalName: string;
  tradeName: string | null;
  pan: string;
  gstin: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  addressLine: string | null;
  city: string | null;
  state: string | null;
  pincode: string | null;
  status: PartnerStatus;
  isActive: boolean;
  rejectionReason: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The outcome of a review, as returned to the desk and cached under the request's idempotency key. */
export interface ReviewDecision {
  partnerId: string;
  status: PartnerStatus;
  reason: string | null;
  reviewedBy: string | null;
  reviewedAt: string;
}

export interface PartnerFilter {
  status?: PartnerStatus;
  partnerType?: PartnerType;
  organizationId?: string;
  active?: boolean;
  limit: number;
  offset: number;
}

const PARTNER_COLUMNS = `id, organization_id AS "organizationId", partner_type AS "partnerType", legal_name AS "legalName",
  trade_name AS "tradeName", pan, gstin, contact_name AS "contactName", contact_email AS "contactEmail",
  contact_phone AS "contactPhone", address_line AS "addressLine", city, state, pincode, status,
  is_active AS "isActive", rejection_reason AS "rejectionReason", reviewed_by AS "reviewedBy",
  reviewed_at AS "reviewedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Request field → column, for the fields a partner's details update may change. */
const DETAIL_COLUMNS: Record<keyof PartnerDetails, string> = {
  legalName: 'legal_name',
  tradeName: 'trade_name',
  pan: 'pan',
  gstin: 'gstin',
  contactName: 'contact_name',
  contactEmail: 'contact_email',
  contactPhone: 'contact_phone',
  addressLine: 'address_line',
  city: 'city',
  state: 'state',
  pincode: 'pincode',
};

/** What a new partner may do until the desk records its real capability. */
function defaultCapability(type: PartnerType): Capability {
  return {
    canBuy: type === 'buyer' || type === 'trader',
    canSell: type === 'seller' || type === 'trader',
    commodityCodes: [],
    monthlyVolumeMt: null,
    hasWarehouse: false,
  };
}

/**
 * Brings a capability to the form it is stored in, so that two forms compare equal exactly when the stored rows
 * would: commodity codes are a set (order and case carry no meaning) and volumes are kept to the kilogram.
 */
function normaliseCapability(capability: Capability): Required<Capability> {
  const volume = capability.monthlyVolumeMt;
  return {
    canBuy: capability.canBuy,
    canSell: capability.canSell,
    commodityCodes: [...new Set(capability.commodityCodes.map((code) => code.trim().toUpperCase()))].sort(),
    monthlyVolumeMt: volume === undefined || volume === null ? null : Math.round(volume * 1000) / 1000,
    hasWarehouse: capability.hasWarehouse,
  };
}

function sameCapability(a: Required<Capability>, b: Required<Capability>): boolean {
  return (
    a.canBuy === b.canBuy &&
    a.canSell === b.canSell &&
    a.hasWarehouse === b.hasWarehouse &&
    a.monthlyVolumeMt === b.monthlyVolumeMt &&
    a.commodityCodes.length === b.commodityCodes.length &&
    a.commodityCodes.every((code, i) => code === b.commodityCodes[i])
  );
}

/**
 * Partner onboarding. Approval and rejection follow the platform's outbox pattern (idempotency key, event, commit
 * in the service); the profile edits were written earlier and leave the commit to the router.
 */
export class PartnerService {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly redis?: RedisClient,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async listPartners(filter: PartnerFilter): Promise<Partner[]> {
    const { rows } = await this.db.execute<Partner>(
      `SELECT ${PARTNER_COLUMNS} FROM partners
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR partner_type = $2)
         AND ($3::uuid IS NULL OR organization_id = $3) AND ($4::boolean IS NULL OR is_active = $4)
       ORDER BY created_at DESC, id LIMIT $5 OFFSET $6`,
      [filter.status ?? null, filter.partnerType ?? null, filter.organizationId ?? null, filter.active ?? null,
        filter.limit, filter.offset],
    );
    return rows;
  }

  /** The partner with its capability and (masked) financial details. */
  async getPartner(partnerId: string): Promise<Partner & { capability: unknown; financials: unknown }> {
    const { rows } = await this.db.execute<Partner & { capability: unknown; financials: unknown }>(
      `SELECT ${PARTNER_COLUMNS},
         (SELECT json_build_object('canBuy', c.can_buy, 'canSell', c.can_sell, 'commodityCodes', c.commodity_codes,
                   'monthlyVolumeMt', c.monthly_volume_mt, 'hasWarehouse', c.has_warehouse)
            FROM partner_capabilities c WHERE c.partner_id = p.id) AS capability,
         (SELECT json_build_object('bankName', f.bank_name, 'accountNumber', 'XXXX' || right(f.account_number, 4),
                   'ifsc', f.ifsc, 'annualTurnover', f.annual_turnover, 'creditLimit', f.credit_limit,
                   'paymentTermsDays', f.payment_terms_days)
            FROM partner_financials f WHERE f.partner_id = p.id) AS financials
       FROM partners p WHERE p.id = $1`,
      [partnerId],
    );
    if (!rows[0]) throw notFound('partner', partnerId);
    return rows[0];
  }

  async createPartner(input: NewPartner): Promise<Partner> {
    const { rows } = await this.db.execute<Partner>(
      `INSERT INTO partners (organization_id, partner_type, legal_name, trade_name, pan, gstin, contact_name,
                             contact_email, contact_phone, address_line, city, state, pincode)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING ${PARTNER_COLUMNS}`,
      [
        input.organizationId ?? null, input.partnerType, input.legalName.trim(), input.tradeName ?? null, input.pan,
        input.gstin ?? null, input.contactName ?? null, input.contactEmail ?? null, input.contactPhone ?? null,
        input.addressLine ?? null, input.city ?? null, input.state ?? null, input.pincode ?? null,
      ],
    );
    const partner = rows[0]!;
    const capability = normaliseCapability(input.capability ?? defaultCapability(input.partnerType));
    await this.db.execute(
      `INSERT INTO partner_capabilities (partner_id, can_buy, can_sell, commodity_codes, monthly_volume_mt, has_warehouse)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [partner.id, capability.canBuy, capability.canSell, capability.commodityCodes, capability.monthlyVolumeMt,
        capability.hasWarehouse],
    );
    return partner;
  }

  /** Changes only the fields present in `changes`; a field sent as null is cleared. */
  async updatePartner(partnerId: string, changes: PartnerChanges): Promise<Partner> {
    const params: unknown[] = [partnerId];
    const assignments: string[] = [];
    for (const [field, column] of Object.entries(DETAIL_COLUMNS) as [keyof PartnerDetails, string][]) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      assignments.push(`${column} = $${params.length}`);
    }
    if (assignments.length === 0) throw badRequest('body must change at least one field');

    const { rows } = await this.db.execute<Partner>(
      `UPDATE partners SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${PARTNER_COLUMNS}`,
      params,
    );
    if (!rows[0]) throw notFound('partner', partnerId);
    return rows[0];
  }

  /** Replaces the partner's trading capability; an unchanged capability is not rewritten. */
  async updateCapability(partnerId: string, capability: Capability): Promise<{ partnerId: string; changed: boolean; capability: Capability }> {
    const { rows } = await this.db.execute<Required<Capability>>(
      `SELECT can_buy AS "canBuy", can_sell AS "canSell", commodity_codes AS "commodityCodes",
              monthly_volume_mt::float8 AS "monthlyVolumeMt", has_warehouse AS "hasWarehouse"
       FROM partner_capabilities WHERE partner_id = $1 FOR UPDATE`,
      [partnerId],
    );
    const current = rows[0];
    if (!current) throw notFound('partner', partnerId);

    const next = normaliseCapability(capability);
    // Keeps updated_at meaningful: the desk's screen re-saves the whole form on every visit.
    if (sameCapability(current, next)) return { partnerId, changed: false, capability: current };

    await this.db.execute(
      `UPDATE partner_capabilities
       SET can_buy = $2, can_sell = $3, commodity_codes = $4, monthly_volume_mt = $5, has_warehouse = $6, updated_at = now()
       WHERE partner_id = $1`,
      [partnerId, next.canBuy, next.canSell, next.commodityCodes, next.monthlyVolumeMt, next.hasWarehouse],
    );
    return { partnerId, changed: true, capability: next };
  }

  async updateFinancialDetails(partnerId: string, details: FinancialDetails): Promise<Record<string, unknown>> {
    // Selecting from partners makes an unknown partner insert nothing (a 404) instead of failing the foreign key.
    const { rows } = await this.db.execute(
      `INSERT INTO partner_financials (partner_id, bank_name, account_number, ifsc, annual_turnover, credit_limit,
                                       payment_terms_days)
       SELECT p.id, $2, $3, $4, $5, $6, $7 FROM partners p WHERE p.id = $1
       ON CONFLICT (partner_id) DO UPDATE
         SET bank_name = EXCLUDED.bank_name, account_number = EXCLUDED.account_number, ifsc = EXCLUDED.ifsc,
             annual_turnover = EXCLUDED.annual_turnover, credit_limit = EXCLUDED.credit_limit,
             payment_terms_days = EXCLUDED.payment_terms_days, updated_at = now()
       RETURNING partner_id AS "partnerId", bank_name AS "bankName", 'XXXX' || right(account_number, 4) AS "accountNumber",
                 ifsc, annual_turnover::float8 AS "annualTurnover", credit_limit::float8 AS "creditLimit",
                 payment_terms_days AS "paymentTermsDays", updated_at AS "updatedAt"`,
      [partnerId, details.bankName, details.accountNumber, details.ifsc, details.annualTurnover ?? null,
        details.creditLimit ?? null, details.paymentTermsDays ?? 0],
    );
    if (!rows[0]) throw notFound('partner', partnerId);
    return rows[0];
  }

  /** Suspends an active partner or reinstates a suspended one. */
  async toggleActiveStatus(partnerId: string, reason: string | null, actorId: string | null): Promise<Partner> {
    const { rows } = await this.db.execute<{ isActive: boolean }>(
      `SELECT is_active AS "isActive" FROM partners WHERE id = $1 FOR UPDATE`,
      [partnerId],
    );
    if (!rows[0]) throw notFound('partner', partnerId);
    return this.setActive(partnerId, !rows[0].isActive, reason, actorId);
  }

  async approvePartner(partnerId: string, reviewedBy: string | null, idempotencyKey?: string): Promise<ReviewDecision> {
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);
      if (cached) return JSON.parse(cached) as ReviewDecision;
    }

    const partner = await this.pendingPartner(partnerId, 'approve');
    const { rows } = await this.db.execute<{ reviewedAt: Date }>(
      `UPDATE partners SET status = 'approved', rejection_reason = NULL, reviewed_by = $2, reviewed_at = now(),
                           updated_at = now()
       WHERE id = $1 RETURNING reviewed_at AS "reviewedAt"`,
      [partnerId, reviewedBy],
    );
    await this.db.execute(
      `INSERT INTO partner_status_history (partner_id, action, actor_id) VALUES ($1, 'approved', $2)`,
      [partnerId, reviewedBy],
    );
    const result: ReviewDecision = {
      partnerId,
      status: 'approved',
      reason: null,
      reviewedBy,
      reviewedAt: rows[0]!.reviewedAt.toISOString(),
    };

    await this.outboxRepo.addEvent({
      eventType: 'partner.approved',
      aggregateType: 'partner',
      aggregateId: partnerId,
      organizationId: partner.organizationId,
      payload: { ...result, legalName: partner.legalName, partnerType: partner.partnerType },
    });
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify(result));
    }
    return result;
  }

  async rejectPartner(partnerId: string, reason: string, reviewedBy: string | null, idempotencyKey?: string): Promise<ReviewDecision> {
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);
      if (cached) return JSON.parse(cached) as ReviewDecision;
    }

    const partner = await this.pendingPartner(partnerId, 'reject');
    const { rows } = await this.db.execute<{ reviewedAt: Date }>(
      `UPDATE partners SET status = 'rejected', rejection_reason = $3, reviewed_by = $2, reviewed_at = now(),
                           updated_at = now()
       WHERE id = $1 RETURNING reviewed_at AS "reviewedAt"`,
      [partnerId, reviewedBy, reason],
    );
    await this.db.execute(
      `INSERT INTO partner_status_history (partner_id, action, reason, actor_id) VALUES ($1, 'rejected', $2, $3)`,
      [partnerId, reason, reviewedBy],
    );
    const result: ReviewDecision = {
      partnerId,
      status: 'rejected',
      reason,
      reviewedBy,
      reviewedAt: rows[0]!.reviewedAt.toISOString(),
    };

    await this.outboxRepo.addEvent({
      eventType: 'partner.rejected',
      aggregateType: 'partner',
      aggregateId: partnerId,
      organizationId: partner.organizationId,
      payload: { ...result, legalName: partner.legalName, partnerType: partner.partnerType },
    });
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify(result));
    }
    return result;
  }

  /** Locks the partner for a review decision; only a pending partner can be decided on. */
  private async pendingPartner(partnerId: string, decision: 'approve' | 'reject'): Promise<Pick<Partner, 'organizationId' | 'legalName' | 'partnerType'>> {
    const { rows } = await this.db.execute<Pick<Partner, 'organizationId' | 'legalName' | 'partnerType' | 'status'>>(
      `SELECT organization_id AS "organizationId", legal_name AS "legalName", partner_type AS "partnerType", status
       FROM partners WHERE id = $1 FOR UPDATE`,
      [partnerId],
    );
    const partner = rows[0];
    if (!partner) throw notFound('partner', partnerId);
    if (partner.status !== 'pending') {
      throw conflict(`cannot ${decision} partner ${partnerId}: it is already ${partner.status}`);
    }
    return partner;
  }

  private async setActive(partnerId: string, active: boolean, reason: string | null, actorId: string | null): Promise<Partner> {
    const { rows } = await this.db.execute<Partner>(
      `UPDATE partners SET is_active = $2, updated_at = now() WHERE id = $1 RETURNING ${PARTNER_COLUMNS}`,
      [partnerId, active],
    );
    await this.db.execute(
      `INSERT INTO partner_status_history (partner_id, action, reason, actor_id) VALUES ($1, $2, $3, $4)`,
      [partnerId, active ? 'activated' : 'deactivated', reason, actorId],
    );
    return rows[0]!;
  }
}
