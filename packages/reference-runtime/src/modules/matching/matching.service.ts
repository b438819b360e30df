import type { DbSession } from '../../db/session.js';
import { conflict, notFound } from '../../core/http/errors.js';
import type { DemandSide, SupplySide } from './match-scorer.js';
import { MatchingEngine, type RankedMatch } from './matching-engine.js';

export type MatchStatus = 'proposed' | 'accepted' | 'superseded';
export type MatchTarget = { requirementId: string } | { availabilityId: string };

export interface Match {
  id: string;
  organizationId: string;
  requirementId: string;
  availabilityId: string;
  runId: string | null;
  score: number;
  quantityScore: number;
  priceScore: number;
  locationScore: number;
  qualityScore: number;
  edgeCase: boolean;
  matchedQuantity: number;
  status: MatchStatus;
  acceptedBy: string | null;
  acceptedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MatchingRun {
  runId: string;
  triggerType: 'requirement' | 'availability';
  triggerId: string;
  candidates: number;
  /** Proposals stored or refreshed by this run; accepted and superseded pairs are left as they are. */
  matches: Match[];
}

export interface MatchFilter {
  organizationId?: string;
  requirementId?: string;
  availabilityId?: string;
  status?: MatchStatus;
  limit: number;
  offset: number;
}

const MATCH_COLUMNS = `id, organization_id AS "organizationId", requirement_id AS "requirementId",
  availability_id AS "availabilityId", run_id AS "runId", score::float8 AS score, quantity_score::float8 AS "quantityScore",
  price_score::float8 AS "priceScore", location_score::float8 AS "locationScore", quality_score::float8 AS "qualityScore",
  edge_case AS "edgeCase", matched_quantity::float8 AS "matchedQuantity", status, accepted_by AS "acceptedBy",
  accepted_at AS "acceptedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** What is left of a requirement, in the scorer's shape. */
const DEMAND_COLUMNS = `id, organization_id AS "organizationId", status, commodity_code AS "commodityCode", variety,
  (quantity - fulfilled_quantity)::float8 AS quantity, unit, max_price_per_unit::float8 AS "maxPricePerUnit",
  delivery_location AS "deliveryLocation", delivery_state_code AS "deliveryStateCode", quality_spec AS "qualitySpec"`;

/** What is still free of an availability, in the scorer's shape. */
const SUPPLY_COLUMNS = `id, organization_id AS "organizationId", status, commodity_code AS "commodityCode", variety,
  (quantity - reserved_quantity)::float8 AS quantity, unit, price_per_unit::float8 AS "pricePerUnit", location,
  state_code AS "stateCode", quality`;

type Located<T> = T & { organizationId: string; status: string };

/**
 * Finds and stores matches between buyers' requirements and sellers' availabilities within an organisation.
 * No outbox and no events: found matches are only visible to whoever reads them back (the audit's "matching").
 */
export class MatchingService {
  constructor(
    private readonly db: DbSession,
    private readonly engine: MatchingEngine = new MatchingEngine(),
  ) {}

  /**
   * Scores the target against every open counterpart of the same commodity in its organisation and stores the
   * proposals that pass, refreshing the score of pairs still only proposed. The run itself is logged even when it
   * finds nothing, so the desk can tell "no match" from "never matched".
   */
  async findAndStoreMatches(target: MatchTarget): Promise<MatchingRun> {
    let organizationId: string;
    let triggerType: MatchingRun['triggerType'];
    let triggerId: string;
    let candidates: number;
    let ranked: RankedMatch[];

    if ('requirementId' in target) {
      const demand = await this.demand(target.requirementId);
      if (demand.status !== 'published' && demand.status !== 'partially_fulfilled') {
        throw conflict(`requirement ${demand.id} is ${demand.status}; only a published requirement is matched`);
      }
      const { rows: supplies } = await this.db.execute<Located<SupplySide>>(
        `SELECT ${SUPPLY_COLUMNS} FROM availabilities
          WHERE organization_id = $1 AND commodity_code = $2 AND status = 'approved' AND quantity > reserved_quantity
          ORDER BY id`,
        [demand.organizationId, demand.commodityCode],
      );
      ({ organizationId, id: triggerId } = demand);
      triggerType = 'requirement';
      candidates = supplies.length;
      ranked = await this.engine.rankAvailabilities(demand, supplies);
    } else {
      const supply = await this.supply(target.availabilityId);
      if (supply.status !== 'approved') {
        throw conflict(`availability ${supply.id} is ${supply.status}; only an approved availability is matched`);
      }
      const { rows: demands } = await this.db.execute<Located<DemandSide>>(
        `SELECT ${DEMAND_COLUMNS} FROM requirements
          WHERE organization_id = $1 AND commodity_code = $2 AND status IN ('published', 'partially_fulfilled')
          ORDER BY id`,
        [supply.organizationId, supply.commodityCode],
      );
      ({ organizationId, id: triggerId } = supply);
      triggerType = 'availability';
      candidates = demands.length;
      ranked = await this.engine.rankRequirements(supply, demands);
    }

    const run = await this.db.execute<{ id: string }>(
      `INSERT INTO matching_runs (organization_id, trigger_type, trigger_id, candidates, matched)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [organizationId, triggerType, triggerId, candidates, ranked.length],
    );
    const runId = run.rows[0]!.id;

    const matches: Match[] = [];
    for (const { requirementId, availabilityId, score } of ranked) {
      const { rows } = await this.db.execute<Match>(
        `INSERT INTO matches (organization_id, requirement_id, availability_id, run_id, score, quantity_score, price_score,
                              location_score, quality_score, edge_case, matched_quantity)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (requirement_id, availability_id) DO UPDATE
           SET run_id = EXCLUDED.run_id, score = EXCLUDED.score, quantity_score = EXCLUDED.quantity_score,
               price_score = EXCLUDED.price_score, location_score = EXCLUDED.location_score,
               quality_score = EXCLUDED.quality_score, edge_case = EXCLUDED.edge_case,
               matched_quantity = EXCLUDED.matched_quantity, updated_at = now()
           WHERE matches.status = 'proposed'
         RETURNING ${MATCH_COLUMNS}`,
        [organizationId, requirementId, availabilityId, runId, score.total, score.quantity, score.price, score.location,
          score.quality, score.edgeCase, score.matchedQuantity],
      );
      if (rows[0]) matches.push(rows[0]);
    }
    await this.db.commit();
    return { runId, triggerType, triggerId, candidates, matches };
  }

  /**
   * The buyer takes a proposed match. The other proposals for the same requirement are superseded; the lot's
   * other proposals stay open, since one lot may serve several buyers.
   */
  async acceptMatch(matchId: string, acceptedBy: string | null): Promise<Match & { superseded: number }> {
    const { rows } = await this.db.execute<Match & { requirementStatus: string; availabilityStatus: string }>(
      `SELECT m.status, m.requirement_id AS "requirementId", r.status AS "requirementStatus",
              a.status AS "availabilityStatus"
         FROM matches m JOIN requirements r ON r.id = m.requirement_id JOIN availabilities a ON a.id = m.availability_id
        WHERE m.id = $1 FOR UPDATE OF m`,
      [matchId],
    );
    const current = rows[0];
    if (!current) throw notFound('match', matchId);
    if (current.status !== 'proposed') throw conflict(`match ${matchId} is already ${current.status}`);
    if (current.requirementStatus !== 'published' && current.requirementStatus !== 'partially_fulfilled') {
      throw conflict(`requirement ${current.requirementId} is ${current.requirementStatus}`);
    }
    if (current.availabilityStatus !== 'approved') {
      throw conflict(`the matched availability is ${current.availabilityStatus}`);
    }

    const accepted = await this.db.execute<Match>(
      `UPDATE matches SET status = 'accepted', accepted_by = $2, accepted_at = now(), updated_at = now() WHERE id = $1
       RETURNING ${MATCH_COLUMNS}`,
      [matchId, acceptedBy],
    );
    const superseded = await this.db.execute(
      `UPDATE matches SET status = 'superseded', updated_at = now()
        WHERE requirement_id = $1 AND id <> $2 AND status = 'proposed'`,
      [current.requirementId, matchId],
    );
    await this.db.commit();
    return { ...accepted.rows[0]!, superseded: superseded.rowCount };
  }

  /** Event handler: a requirement is open for matching. Its name predates the publish step. */
  async onRequirementCreated(requirementId: string): Promise<MatchingRun> {
    return this.findAndStoreMatches({ requirementId });
  }

  /** Event handler: a lot is open for matching. */
  async onAvailabilityCreated(availabilityId: string): Promise<MatchingRun> {
    return this.findAndStoreMatches({ availabilityId });
  }

  async getMatch(matchId: string): Promise<Match> {
    const { rows } = await this.db.execute<Match>(`SELECT ${MATCH_COLUMNS} FROM matches WHERE id = $1`, [matchId]);
    if (!rows[0]) throw notFound('match', matchId);
    return rows[0];
  }

  async listMatches(filter: MatchFilter): Promise<Match[]> {
    const { rows } = await this.db.execute<Match>(
      `SELECT ${MATCH_COLUMNS} FROM matches
        WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::uuid IS NULL OR requirement_id = $2)
          AND ($3::uuid IS NULL OR availability_id = $3) AND ($4::text IS NULL OR status = $4)
        ORDER BY score DESC, id LIMIT $5 OFFSET $6`,
      [filter.organizationId ?? null, filter.requirementId ?? null, filter.availabilityId ?? null, filter.status ?? null,
        filter.limit, filter.offset],
    );
    return rows;
  }

  private async demand(requirementId: string): Promise<Located<DemandSide>> {
    const { rows } = await this.db.execute<Located<DemandSide>>(`SELECT ${DEMAND_COLUMNS} FROM requirements WHERE id = $1`, [requirementId]);
    if (!rows[0]) throw notFound('requirement', requirementId);
    return rows[0];
  }

  private async supply(availabilityId: string): Promise<Located<SupplySide>> {
    const { rows } = await this.db.execute<Located<SupplySide>>(`SELECT ${SUPPLY_COLUMNS} FROM availabilities WHERE id = $1`, [availabilityId]);
    if (!rows[0]) throw notFound('availability', availabilityId);
    return rows[0];
  }
}
