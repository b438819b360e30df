import type { DbSession } from '../../db/session.js';
import type { ConnectionManager } from '../../core/websocket/manager.js';
import { WebSocketEventType } from '../../core/websocket/events.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';
import { toKilograms, type QuantityUnit } from '../trade_desk/units.js';
import {
  RiskEngine,
  type CreditExposure,
  type CreditFinancials,
  type PartnerRiskProfile,
  type RiskFactor,
  type RiskGrade,
  type RiskScore,
} from './risk-engine.js';

/** Hands out the unit of work a method runs in (the request's session in the app). */
export type SessionFactory = () => DbSession;

export type SubjectType = 'requirement' | 'availability' | 'partner' | 'trade';
export type AlertType = 'HIGH_RISK' | 'CREDIT_LIMIT_WARNING' | 'PARTNER_BLOCKED' | 'MANUAL';

export interface RiskAssessment {
  id: string;
  organizationId: string;
  subjectType: SubjectType;
  subjectId: string;
  partnerId: string | null;
  score: number;
  grade: RiskGrade;
  decision: RiskScore['decision'];
  edgeCase: boolean;
  factors: { factors: RiskScore['factors']; blockers: string[] };
  status: 'active' | 'overridden';
  assessedBy: string | null;
  assessedAt: Date;
}

export interface RiskAlert {
  id: string;
  organizationId: string;
  partnerId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  alertType: AlertType;
  severity: RiskGrade;
  message: string;
  status: 'open' | 'resolved';
  raisedBy: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

export interface CreditLimit {
  id: string;
  organizationId: string;
  partnerId: string;
  limitAmount: number;
  utilizedAmount: number;
  availableAmount: number;
  currency: string;
  basis: 'manual' | 'assessed';
  validUntil: string | null;
  setBy: string | null;
  updatedAt: Date;
}

export interface RiskOverride {
  id: string;
  assessmentId: string;
  organizationId: string;
  reason: string;
  approvedBy: string;
  expiresAt: Date | null;
  status: 'active' | 'revoked';
  revokedBy: string | null;
  revokeReason: string | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface PartnerBlock {
  id: string;
  organizationId: string;
  partnerId: string;
  reason: string;
  blockedBy: string | null;
  blockedAt: Date;
}

export interface RecordedScore {
  id: string;
  organizationId: string;
  partnerId: string;
  score: number;
  grade: RiskGrade;
  modelVersion: string;
  recordedBy: string | null;
  recordedAt: Date;
  factors: { factor: string; value: number; weight: number; contribution: number }[];
}

export interface TradeProposal {
  organizationId: string;
  tradeId?: string | null;
  buyerPartnerId: string;
  sellerPartnerId: string;
  commodityCode: string;
  quantity: number;
  unit: QuantityUnit;
  pricePerUnit: number;
  /** The price the desk considers fair (a requirement's max, a mandi rate), in the same unit. */
  referencePricePerUnit?: number | null;
}

export interface CreditLimitInput {
  organizationId: string;
  /** A limit decided by credit control; without it the engine recommends one from `financials`. */
  limitAmount?: number;
  financials?: CreditFinancials;
  validUntil?: string | null;
}

export interface NewAlert {
  organizationId: string;
  partnerId?: string | null;
  subjectType?: SubjectType | null;
  subjectId?: string | null;
  severity: RiskGrade;
  message: string;
}

/** Share of a credit limit past which credit control is warned. */
const CREDIT_WARNING_RATIO = 0.8;

const ASSESSMENT_COLUMNS = `id, organization_id AS "organizationId", subject_type AS "subjectType", subject_id AS "subjectId",
  partner_id AS "partnerId", score::float8 AS score, grade, decision, edge_case AS "edgeCase", factors, status,
  assessed_by AS "assessedBy", assessed_at AS "assessedAt"`;

const ALERT_COLUMNS = `id, organization_id AS "organizationId", partner_id AS "partnerId", subject_type AS "subjectType",
  subject_id AS "subjectId", alert_type AS "alertType", severity, message, status, raised_by AS "raisedBy",
  resolved_by AS "resolvedBy", resolution_note AS "resolutionNote", resolved_at AS "resolvedAt", created_at AS "createdAt"`;

const CREDIT_COLUMNS = `id, organization_id AS "organizationId", partner_id AS "partnerId",
  limit_amount::float8 AS "limitAmount", utilized_amount::float8 AS "utilizedAmount",
  (limit_amount - utilized_amount)::float8 AS "availableAmount", currency, basis, valid_until::text AS "validUntil",
  set_by AS "setBy", updated_at AS "updatedAt"`;

const OVERRIDE_COLUMNS = `id, assessment_id AS "assessmentId", organization_id AS "organizationId", reason,
  approved_by AS "approvedBy", expires_at AS "expiresAt", status, revoked_by AS "revokedBy",
  revoke_reason AS "revokeReason", revoked_at AS "revokedAt", created_at AS "createdAt"`;

const BLOCK_COLUMNS = `id, organization_id AS "organizationId", partner_id AS "partnerId", reason, blocked_by AS "blockedBy",
  blocked_at AS "blockedAt"`;

const daysBetween = (from: Date, isoDate: string): number =>
  Math.floor((Date.parse(`${isoDate}T00:00:00Z`) - from.getTime()) / 86_400_000);

/**
 * Risk management for the trade desk: assessments, credit limits, alerts, overrides, scores and blocks. Every
 * method commits its own work; alerts are broadcast to the organisation once committed. There is no outbox here
 * and no idempotency key (the audit's "risk" finding).
 *
 * The service is handed a session factory rather than a session so it can be built once and used from jobs as well
 * as requests; each method asks the factory for the session it works in.
 */
export class RiskService {
  constructor(
    private readonly sessionFactory: SessionFactory,
    private readonly wsManager?: ConnectionManager,
    private readonly engine: RiskEngine = new RiskEngine(),
  ) {}

  // ---- assessments -------------------------------------------------------------------------------------------

  async assessRequirementRisk(requirementId: string, assessedBy: string | null): Promise<RiskAssessment> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<{
      organizationId: string; buyerPartnerId: string; quantity: number; maxPricePerUnit: number; requiredBy: string | null; status: string;
    }>(
      `SELECT organization_id AS "organizationId", buyer_partner_id AS "buyerPartnerId",
              (quantity - fulfilled_quantity)::float8 AS quantity, max_price_per_unit::float8 AS "maxPricePerUnit",
              required_by::text AS "requiredBy", status
         FROM requirements WHERE id = $1`,
      [requirementId],
    );
    const requirement = rows[0];
    if (!requirement) throw notFound('requirement', requirementId);
    if (requirement.status === 'cancelled' || requirement.status === 'fulfilled') {
      throw conflict(`requirement ${requirementId} is ${requirement.status}; there is nothing left to assess`);
    }

    const exposure = await this.exposureOf(db, requirement.organizationId, requirement.buyerPartnerId);
    const block = await this.activeBlock(db, requirement.organizationId, requirement.buyerPartnerId);
    const factors = this.engine.requirementFactors({
      orderValue: requirement.quantity * requirement.maxPricePerUnit,
      exposure,
      daysUntilRequired: requirement.requiredBy ? daysBetween(new Date(), requirement.requiredBy) : null,
    });
    const result = await this.engine.scoreRisk(factors, block ? [`buyer blocked: ${block.reason}`] : []);

    const assessment = await this.insertAssessment(db, {
      organizationId: requirement.organizationId, subjectType: 'requirement', subjectId: requirementId,
      partnerId: requirement.buyerPartnerId, assessedBy,
    }, result);
    const alert = await this.alertOnHighRisk(db, assessment, assessedBy);
    await db.commit();

    if (alert) await this.broadcastAlert(alert);
    return assessment;
  }

  async assessAvailabilityRisk(availabilityId: string, assessedBy: string | null): Promise<RiskAssessment> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<{
      organizationId: string; sellerPartnerId: string; quantity: number; pricePerUnit: number; quality: Record<string, number>; status: string;
    }>(
      `SELECT organization_id AS "organizationId", seller_partner_id AS "sellerPartnerId",
              (quantity - reserved_quantity)::float8 AS quantity, price_per_unit::float8 AS "pricePerUnit", quality, status
         FROM availabilities WHERE id = $1`,
      [availabilityId],
    );
    const availability = rows[0];
    if (!availability) throw notFound('availability', availabilityId);
    if (availability.status === 'withdrawn') throw conflict(`availability ${availabilityId} is withdrawn`);

    const latest = await db.execute<{ score: number }>(
      `SELECT score::float8 AS score FROM partner_risk_scores WHERE organization_id = $1 AND partner_id = $2
        ORDER BY recorded_at DESC, id DESC LIMIT 1`,
      [availability.organizationId, availability.sellerPartnerId],
    );
    const block = await this.activeBlock(db, availability.organizationId, availability.sellerPartnerId);
    const factors = this.engine.availabilityFactors({
      lotValue: availability.quantity * availability.pricePerUnit,
      qualityParameters: Object.keys(availability.quality).length,
      sellerScore: latest.rows[0]?.score ?? null,
    });
    const result = await this.engine.scoreRisk(factors, block ? [`seller blocked: ${block.reason}`] : []);

    const assessment = await this.insertAssessment(db, {
      organizationId: availability.organizationId, subjectType: 'availability', subjectId: availabilityId,
      partnerId: availability.sellerPartnerId, assessedBy,
    }, result);
    const alert = await this.alertOnHighRisk(db, assessment, assessedBy);
    await db.commit();

    if (alert) await this.broadcastAlert(alert);
    return assessment;
  }

  async assessPartnerRisk(
    partnerId: string,
    input: { organizationId: string; profile: PartnerRiskProfile },
    assessedBy: string | null,
  ): Promise<RiskAssessment> {
    const db = this.sessionFactory();
    const exposure = await this.exposureOf(db, input.organizationId, partnerId);
    const block = await this.activeBlock(db, input.organizationId, partnerId);
    const result = await this.engine.scoreRisk(
      this.engine.partnerFactors(input.profile, exposure),
      block ? [`partner blocked: ${block.reason}`] : [],
    );

    const assessment = await this.insertAssessment(db, {
      organizationId: input.organizationId, subjectType: 'partner', subjectId: partnerId, partnerId, assessedBy,
    }, result);
    const alert = await this.alertOnHighRisk(db, assessment, assessedBy);
    await db.commit();

    if (alert) await this.broadcastAlert(alert);
    return assessment;
  }

  /** Pre-trade check: both sides must be free to trade, and the buyer's credit must cover the trade. */
  async assessTradeRisk(trade: TradeProposal, assessedBy: string | null): Promise<RiskAssessment> {
    if (trade.buyerPartnerId === trade.sellerPartnerId) throw badRequest('sellerPartnerId must differ from buyerPartnerId');
    const db = this.sessionFactory();
    const tradeValue = trade.quantity * trade.pricePerUnit;
    const exposure = await this.exposureOf(db, trade.organizationId, trade.buyerPartnerId);
    const blockers: string[] = [];
    for (const [side, partnerId] of [['buyer', trade.buyerPartnerId], ['seller', trade.sellerPartnerId]] as const) {
      const block = await this.activeBlock(db, trade.organizationId, partnerId);
      if (block) blockers.push(`${side} blocked: ${block.reason}`);
    }
    if (exposure && tradeValue > exposure.limitAmount - exposure.utilizedAmount) {
      blockers.push(`trade value ${tradeValue} exceeds the buyer's available credit ${exposure.limitAmount - exposure.utilizedAmount}`);
    }
    const reference = trade.referencePricePerUnit ?? null;
    const factors = this.engine.tradeFactors({
      tradeValue,
      exposure,
      priceDeviation: reference ? (trade.pricePerUnit - reference) / reference : null,
    });
    factors.push({
      name: 'commodity_volume',
      // Anything above 1,000 tonnes in one trade is unusual for a single desk.
      value: Math.min(1, toKilograms(trade.quantity, trade.unit) / 1_000_000),
      weight: 0.1,
      detail: `${trade.quantity} ${trade.unit} of ${trade.commodityCode.toUpperCase()}`,
    });
    const result = await this.engine.scoreRisk(factors, blockers);

    const assessment = await this.insertAssessment(db, {
      organizationId: trade.organizationId, subjectType: 'trade', subjectId: trade.tradeId ?? null,
      partnerId: trade.buyerPartnerId, assessedBy,
    }, result);
    const alert = await this.alertOnHighRisk(db, assessment, assessedBy);
    await db.commit();

    if (alert) await this.broadcastAlert(alert);
    return assessment;
  }

  async getAssessment(assessmentId: string): Promise<RiskAssessment & { overrides: RiskOverride[] }> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskAssessment>(`SELECT ${ASSESSMENT_COLUMNS} FROM risk_assessments WHERE id = $1`, [assessmentId]);
    if (!rows[0]) throw notFound('risk assessment', assessmentId);
    const overrides = await db.execute<RiskOverride>(
      `SELECT ${OVERRIDE_COLUMNS} FROM risk_overrides WHERE assessment_id = $1 ORDER BY created_at, id`,
      [assessmentId],
    );
    return { ...rows[0], overrides: overrides.rows };
  }

  async listAssessments(filter: { organizationId?: string; subjectType?: SubjectType; subjectId?: string; partnerId?: string; limit: number; offset: number }): Promise<RiskAssessment[]> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskAssessment>(
      `SELECT ${ASSESSMENT_COLUMNS} FROM risk_assessments
        WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::text IS NULL OR subject_type = $2)
          AND ($3::uuid IS NULL OR subject_id = $3) AND ($4::uuid IS NULL OR partner_id = $4)
        ORDER BY assessed_at DESC, id LIMIT $5 OFFSET $6`,
      [filter.organizationId ?? null, filter.subjectType ?? null, filter.subjectId ?? null, filter.partnerId ?? null,
        filter.limit, filter.offset],
    );
    return rows;
  }

  // ---- credit ------------------------------------------------------------------------------------------------

  /**
   * Sets (or replaces) a partner's limit. A limit below what the partner already owes would be breached on the spot,
   * so the upsert refuses it in the same statement that writes it.
   */
  async setCreditLimit(partnerId: string, input: CreditLimitInput, setBy: string | null): Promise<CreditLimit & { assessment?: unknown }> {
    if (input.limitAmount === undefined && input.financials === undefined) {
      throw badRequest('body must have limitAmount or financials');
    }
    const assessment = input.limitAmount === undefined ? await this.engine.assessCreditLimit(input.financials!) : undefined;
    const limitAmount = input.limitAmount ?? assessment!.recommendedLimit;

    const db = this.sessionFactory();
    const { rows } = await db.execute<CreditLimit>(
      `INSERT INTO credit_limits (organization_id, partner_id, limit_amount, basis, valid_until, set_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (organization_id, partner_id) DO UPDATE
         SET limit_amount = EXCLUDED.limit_amount, basis = EXCLUDED.basis, valid_until = EXCLUDED.valid_until,
             set_by = EXCLUDED.set_by, updated_at = now()
         WHERE credit_limits.utilized_amount <= EXCLUDED.limit_amount
       RETURNING ${CREDIT_COLUMNS}`,
      [input.organizationId, partnerId, limitAmount, assessment ? 'assessed' : 'manual', input.validUntil ?? null, setBy],
    );
    const limit = rows[0];
    if (!limit) {
      const current = await this.exposureOf(db, input.organizationId, partnerId);
      throw conflict(`limitAmount ${limitAmount} is below the ${current?.utilizedAmount} already utilised`);
    }
    await db.execute(
      `INSERT INTO credit_ledger (credit_limit_id, entry_type, amount, limit_after, utilized_after, reference)
       VALUES ($1, 'limit_set', $2, $2, $3, $4)`,
      [limit.id, limit.limitAmount, limit.utilizedAmount, assessment ? `assessed: risk ${assessment.riskScore}` : null],
    );
    await db.commit();
    return assessment ? { ...limit, assessment } : limit;
  }

  /**
   * Draws on (positive amount) or releases (negative) a partner's credit. A draw that would breach the limit is
   * refused; crossing 80% of the limit raises a warning for credit control.
   */
  async updateCreditUtilization(
    partnerId: string,
    change: { organizationId: string; amount: number; reference: string },
  ): Promise<CreditLimit> {
    if (change.amount === 0) throw badRequest('amount must not be zero');
    const db = this.sessionFactory();
    let limit: CreditLimit;
    let warning: RiskAlert | undefined;
    try {
      const { rows } = await db.execute<CreditLimit>(
        `SELECT ${CREDIT_COLUMNS} FROM credit_limits WHERE organization_id = $1 AND partner_id = $2 FOR UPDATE`,
        [change.organizationId, partnerId],
      );
      const current = rows[0];
      if (!current) throw notFound('credit limit of partner', partnerId);
      const utilizedAfter = current.utilizedAmount + change.amount;
      if (utilizedAfter > current.limitAmount) {
        throw conflict(`amount ${change.amount} exceeds the available credit ${current.availableAmount}`);
      }
      if (utilizedAfter < 0) {
        throw conflict(`amount ${change.amount} releases more than the ${current.utilizedAmount} utilised`);
      }

      const updated = await db.execute<CreditLimit>(
        `UPDATE credit_limits SET utilized_amount = utilized_amount + $2, updated_at = now() WHERE id = $1
         RETURNING ${CREDIT_COLUMNS}`,
        [current.id, change.amount],
      );
      limit = updated.rows[0]!;
      await db.execute(
        `INSERT INTO credit_ledger (credit_limit_id, entry_type, amount, limit_after, utilized_after, reference)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [limit.id, change.amount > 0 ? 'utilization' : 'release', change.amount, limit.limitAmount, limit.utilizedAmount, change.reference],
      );

      const threshold = current.limitAmount * CREDIT_WARNING_RATIO;
      if (current.utilizedAmount < threshold && limit.utilizedAmount >= threshold) {
        warning = await this.insertAlert(db, {
          organizationId: change.organizationId,
          partnerId,
          subjectType: 'partner',
          subjectId: partnerId,
          alertType: 'CREDIT_LIMIT_WARNING',
          severity: 'HIGH',
          message: `credit utilisation at ${Math.round((limit.utilizedAmount / limit.limitAmount) * 100)}% of the ${limit.limitAmount} limit`,
          raisedBy: null,
        });
      }
      await db.commit();
    } catch (error) {
      // The ledger and the balance move together or not at all.
      await db.rollback();
      throw error;
    }

    if (warning) await this.broadcastAlert(warning);
    return limit;
  }

  async getCreditLimit(organizationId: string, partnerId: string): Promise<CreditLimit & { ledger: unknown[] }> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<CreditLimit>(
      `SELECT ${CREDIT_COLUMNS} FROM credit_limits WHERE organization_id = $1 AND partner_id = $2`,
      [organizationId, partnerId],
    );
    if (!rows[0]) throw notFound('credit limit of partner', partnerId);
    const ledger = await db.execute(
      `SELECT id::text AS id, entry_type AS "entryType", amount::float8 AS amount, limit_after::float8 AS "limitAfter",
              utilized_after::float8 AS "utilizedAfter", reference, created_at AS "createdAt"
         FROM credit_ledger WHERE credit_limit_id = $1 ORDER BY id`,
      [rows[0].id],
    );
    return { ...rows[0], ledger: ledger.rows };
  }

  // ---- alerts ------------------------------------------------------------------------------------------------

  async raiseAlert(input: NewAlert, raisedBy: string | null): Promise<RiskAlert> {
    const db = this.sessionFactory();
    const alert = await this.insertAlert(db, { ...input, alertType: 'MANUAL', raisedBy });
    await db.commit();
    await this.broadcastAlert(alert);
    return alert;
  }

  async resolveAlert(alertId: string, note: string, resolvedBy: string | null): Promise<RiskAlert> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskAlert>(
      `UPDATE risk_alerts SET status = 'resolved', resolved_by = $2, resolution_note = $3, resolved_at = now()
        WHERE id = $1 AND status = 'open' RETURNING ${ALERT_COLUMNS}`,
      [alertId, resolvedBy, note],
    );
    if (!rows[0]) {
      await this.getAlert(alertId); // 404 when it does not exist at all
      throw conflict(`alert ${alertId} is already resolved`);
    }
    await db.commit();
    await this.notify(rows[0].organizationId, { type: WebSocketEventType.NOTIFICATION, data: { kind: 'risk_alert_resolved', alert: rows[0] } });
    return rows[0];
  }

  async getAlert(alertId: string): Promise<RiskAlert> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskAlert>(`SELECT ${ALERT_COLUMNS} FROM risk_alerts WHERE id = $1`, [alertId]);
    if (!rows[0]) throw notFound('alert', alertId);
    return rows[0];
  }

  async listAlerts(filter: { organizationId?: string; partnerId?: string; status?: 'open' | 'resolved'; limit: number; offset: number }): Promise<RiskAlert[]> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskAlert>(
      `SELECT ${ALERT_COLUMNS} FROM risk_alerts
        WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::uuid IS NULL OR partner_id = $2)
          AND ($3::text IS NULL OR status = $3)
        ORDER BY created_at DESC, id LIMIT $4 OFFSET $5`,
      [filter.organizationId ?? null, filter.partnerId ?? null, filter.status ?? null, filter.limit, filter.offset],
    );
    return rows;
  }

  // ---- overrides ---------------------------------------------------------------------------------------------

  /** Lets a named person go ahead despite a REVIEW or REJECT; the assessment is marked overridden meanwhile. */
  async createOverride(
    assessmentId: string,
    input: { reason: string; expiresAt?: string | null },
    approvedBy: string | null,
  ): Promise<RiskOverride> {
    if (!approvedBy) throw badRequest('an override needs an approver: send the x-user-id header');
    if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) {
      throw badRequest(`expiresAt ${input.expiresAt} is in the past`);
    }
    const db = this.sessionFactory();
    const { rows } = await db.execute<{ organizationId: string; decision: string; status: string }>(
      `SELECT organization_id AS "organizationId", decision, status FROM risk_assessments WHERE id = $1 FOR UPDATE`,
      [assessmentId],
    );
    const assessment = rows[0];
    if (!assessment) throw notFound('risk assessment', assessmentId);
    if (assessment.decision === 'APPROVE') throw conflict(`assessment ${assessmentId} was approved; there is nothing to override`);
    if (assessment.status === 'overridden') throw conflict(`assessment ${assessmentId} is already overridden`);

    const inserted = await db.execute<RiskOverride>(
      `INSERT INTO risk_overrides (assessment_id, organization_id, reason, approved_by, expires_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${OVERRIDE_COLUMNS}`,
      [assessmentId, assessment.organizationId, input.reason, approvedBy, input.expiresAt ?? null],
    );
    await db.execute(`UPDATE risk_assessments SET status = 'overridden' WHERE id = $1`, [assessmentId]);
    await db.commit();
    return inserted.rows[0]!;
  }

  async revokeOverride(overrideId: string, reason: string | null, revokedBy: string | null): Promise<RiskOverride> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskOverride>(
      `UPDATE risk_overrides SET status = 'revoked', revoked_by = $2, revoke_reason = $3, revoked_at = now()
        WHERE id = $1 AND status = 'active' RETURNING ${OVERRIDE_COLUMNS}`,
      [overrideId, revokedBy, reason],
    );
    const revoked = rows[0];
    if (!revoked) {
      const existing = await db.execute(`SELECT status FROM risk_overrides WHERE id = $1`, [overrideId]);
      if (!existing.rows[0]) throw notFound('override', overrideId);
      throw conflict(`override ${overrideId} is already revoked`);
    }
    await db.execute(`UPDATE risk_assessments SET status = 'active' WHERE id = $1`, [revoked.assessmentId]);
    await db.commit();
    return revoked;
  }

  async getOverride(overrideId: string): Promise<RiskOverride> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RiskOverride>(`SELECT ${OVERRIDE_COLUMNS} FROM risk_overrides WHERE id = $1`, [overrideId]);
    if (!rows[0]) throw notFound('override', overrideId);
    return rows[0];
  }

  // ---- scores and blocks -------------------------------------------------------------------------------------

  /** Stores a score from the scoring run with the factors behind it, one row per factor. */
  async recordRiskScore(
    partnerId: string,
    input: { organizationId: string; modelVersion: string; factors: RiskFactor[] },
    recordedBy: string | null,
  ): Promise<RecordedScore> {
    const names = input.factors.map((f) => f.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw badRequest(`factors: "${repeated}" appears more than once`);
    const result = await this.engine.scoreRisk(input.factors);

    const db = this.sessionFactory();
    const { rows } = await db.execute<Omit<RecordedScore, 'factors'>>(
      `INSERT INTO partner_risk_scores (organization_id, partner_id, score, grade, model_version, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, organization_id AS "organizationId", partner_id AS "partnerId", score::float8 AS score, grade,
                 model_version AS "modelVersion", recorded_by AS "recordedBy", recorded_at AS "recordedAt"`,
      [input.organizationId, partnerId, result.score, result.grade, input.modelVersion, recordedBy],
    );
    const score = rows[0]!;
    const factors: RecordedScore['factors'] = [];
    for (const factor of result.factors) {
      await db.execute(
        `INSERT INTO partner_risk_score_factors (risk_score_id, factor, value, weight, contribution)
         VALUES ($1, $2, $3, $4, $5)`,
        [score.id, factor.name, factor.value, factor.weight, factor.contribution],
      );
      factors.push({ factor: factor.name, value: factor.value, weight: factor.weight, contribution: factor.contribution });
    }
    await db.commit();
    return { ...score, factors };
  }

  async listRiskScores(organizationId: string, partnerId: string): Promise<RecordedScore[]> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<RecordedScore>(
      `SELECT s.id, s.organization_id AS "organizationId", s.partner_id AS "partnerId", s.score::float8 AS score, s.grade,
              s.model_version AS "modelVersion", s.recorded_by AS "recordedBy", s.recorded_at AS "recordedAt",
              COALESCE((SELECT json_agg(json_build_object('factor', f.factor, 'value', f.value::float8,
                                 'weight', f.weight::float8, 'contribution', f.contribution::float8) ORDER BY f.id)
                          FROM partner_risk_score_factors f WHERE f.risk_score_id = s.id), '[]'::json) AS factors
         FROM partner_risk_scores s WHERE s.organization_id = $1 AND s.partner_id = $2
        ORDER BY s.recorded_at DESC, s.id`,
      [organizationId, partnerId],
    );
    return rows;
  }

  async blockPartner(
    partnerId: string,
    input: { organizationId: string; reason: string },
    blockedBy: string | null,
  ): Promise<PartnerBlock> {
    const db = this.sessionFactory();
    const existing = await this.activeBlock(db, input.organizationId, partnerId);
    if (existing) throw conflict(`partner ${partnerId} is already blocked since ${existing.blockedAt.toISOString()}`);

    const { rows } = await db.execute<PartnerBlock>(
      `INSERT INTO partner_blocks (organization_id, partner_id, reason, blocked_by) VALUES ($1, $2, $3, $4)
       RETURNING ${BLOCK_COLUMNS}`,
      [input.organizationId, partnerId, input.reason, blockedBy],
    );
    const alert = await this.insertAlert(db, {
      organizationId: input.organizationId,
      partnerId,
      subjectType: 'partner',
      subjectId: partnerId,
      alertType: 'PARTNER_BLOCKED',
      severity: 'CRITICAL',
      message: `partner blocked: ${input.reason}`,
      raisedBy: blockedBy,
    });
    await db.commit();
    await this.broadcastAlert(alert);
    return rows[0]!;
  }

  async listBlocks(organizationId: string, partnerId: string): Promise<PartnerBlock[]> {
    const db = this.sessionFactory();
    const { rows } = await db.execute<PartnerBlock>(
      `SELECT ${BLOCK_COLUMNS}, lifted_at AS "liftedAt" FROM partner_blocks WHERE organization_id = $1 AND partner_id = $2
        ORDER BY blocked_at DESC, id`,
      [organizationId, partnerId],
    );
    return rows;
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private async exposureOf(db: DbSession, organizationId: string, partnerId: string): Promise<CreditExposure | null> {
    const { rows } = await db.execute<CreditExposure>(
      `SELECT limit_amount::float8 AS "limitAmount", utilized_amount::float8 AS "utilizedAmount"
         FROM credit_limits WHERE organization_id = $1 AND partner_id = $2 AND (valid_until IS NULL OR valid_until >= current_date)`,
      [organizationId, partnerId],
    );
    return rows[0] ?? null;
  }

  private async activeBlock(db: DbSession, organizationId: string, partnerId: string): Promise<PartnerBlock | undefined> {
    const { rows } = await db.execute<PartnerBlock>(
      `SELECT ${BLOCK_COLUMNS} FROM partner_blocks WHERE organization_id = $1 AND partner_id = $2 AND lifted_at IS NULL`,
      [organizationId, partnerId],
    );
    return rows[0];
  }

  private async insertAssessment(
    db: DbSession,
    subject: { organizationId: string; subjectType: SubjectType; subjectId: string | null; partnerId: string | null; assessedBy: string | null },
    result: RiskScore,
  ): Promise<RiskAssessment> {
    const { rows } = await db.execute<RiskAssessment>(
      `INSERT INTO risk_assessments (organization_id, subject_type, subject_id, partner_id, score, grade, decision,
                                     edge_case, factors, assessed_by)
       VALUES ($1, $2, COALESCE($3::uuid, gen_random_uuid()), $4, $5, $6, $7, $8, $9::jsonb, $10)
       RETURNING ${ASSESSMENT_COLUMNS}`,
      [
        subject.organizationId, subject.subjectType, subject.subjectId, subject.partnerId, result.score, result.grade,
        result.decision, result.edgeCase, JSON.stringify({ factors: result.factors, blockers: result.blockers }),
        subject.assessedBy,
      ],
    );
    return rows[0]!;
  }

  /** A HIGH or CRITICAL assessment, or a rejected one, puts an alert in front of credit control. */
  private async alertOnHighRisk(db: DbSession, assessment: RiskAssessment, raisedBy: string | null): Promise<RiskAlert | undefined> {
    if (assessment.decision !== 'REJECT' && assessment.grade !== 'HIGH' && assessment.grade !== 'CRITICAL') return undefined;
    const blockers = assessment.factors.blockers;
    return this.insertAlert(db, {
      organizationId: assessment.organizationId,
      partnerId: assessment.partnerId,
      subjectType: assessment.subjectType,
      subjectId: assessment.subjectId,
      alertType: 'HIGH_RISK',
      severity: assessment.grade === 'LOW' || assessment.grade === 'MEDIUM' ? 'HIGH' : assessment.grade,
      message: `${assessment.subjectType} risk ${assessment.score} (${assessment.grade}, ${assessment.decision})` +
        (blockers.length > 0 ? `: ${blockers.join('; ')}` : ''),
      raisedBy,
    });
  }

  private async insertAlert(db: DbSession, alert: NewAlert & { alertType: AlertType; raisedBy: string | null }): Promise<RiskAlert> {
    const { rows } = await db.execute<RiskAlert>(
      `INSERT INTO risk_alerts (organization_id, partner_id, subject_type, subject_id, alert_type, severity, message, raised_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ALERT_COLUMNS}`,
      [alert.organizationId, alert.partnerId ?? null, alert.subjectType ?? null, alert.subjectId ?? null, alert.alertType,
        alert.severity, alert.message, alert.raisedBy],
    );
    return rows[0]!;
  }

  /** Requirement alerts go out as the seed's REQUIREMENT_RISK_ALERT; everything else as a NOTIFICATION. */
  private async broadcastAlert(alert: RiskAlert): Promise<void> {
    const type = alert.subjectType === 'requirement' ? WebSocketEventType.REQUIREMENT_RISK_ALERT : WebSocketEventType.NOTIFICATION;
    await this.notify(alert.organizationId, { type, data: { kind: 'risk_alert', alert } });
  }

  /** Best effort, after the commit: the alert is in the database whether or not a screen was listening. */
  private async notify(organizationId: string, message: { type: string; data: unknown }): Promise<void> {
    try {
      await this.wsManager?.broadcastToOrganization(organizationId, message);
    } catch {
      // A dropped push is recovered by the next poll of /risk/alerts; failing the committed request would not help.
    }
  }
}
