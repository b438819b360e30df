import { pricePerKilogram, toKilograms, type QuantityUnit } from '../trade_desk/units.js';

/** The side of a match that needs something: what is left of a published requirement. */
export interface DemandSide {
  id: string;
  commodityCode: string;
  variety: string | null;
  /** Still required, in `unit`. */
  quantity: number;
  unit: QuantityUnit;
  maxPricePerUnit: number;
  deliveryLocation: string;
  deliveryStateCode: string;
  qualitySpec: Record<string, { min?: number; max?: number }>;
}

/** The side that offers: what is still free of an approved availability. */
export interface SupplySide {
  id: string;
  commodityCode: string;
  variety: string | null;
  /** Still available, in `unit`. */
  quantity: number;
  unit: QuantityUnit;
  pricePerUnit: number;
  location: string;
  stateCode: string;
  quality: Record<string, number>;
}

export interface MatchingConfig {
  /** Relative weight of each dimension in the total; they need not sum to 1. */
  weights: { quantity: number; price: number; location: number; quality: number };
  /** Matches scoring below this are not proposed. */
  minScore: number;
  /** A total within this distance of `minScore` is an edge case: the proposal could reasonably go either way. */
  edgeBand: number;
  /** An offer this share above the buyer's maximum price scores 0 on price. */
  priceTolerance: number;
  /** A variety other than the one asked for keeps this share of the quality score. */
  varietyMismatchFactor: number;
  /** Most proposals a single run stores. */
  maxMatchesPerRun: number;
}

export const DEFAULT_MATCHING_CONFIG: MatchingConfig = {
  weights: { quantity: 0.3, price: 0.3, location: 0.15, quality: 0.25 },
  minScore: 0.6,
  edgeBand: 0.05,
  priceTolerance: 0.1,
  varietyMismatchFactor: 0.8,
  maxMatchesPerRun: 10,
};

export interface MatchScore {
  /** Weighted total in [0, 1]. */
  total: number;
  quantity: number;
  price: number;
  location: number;
  quality: number;
  /** How much of the demand this supply covers, in the demand's unit. */
  matchedQuantity: number;
  edgeCase: boolean;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
const round4 = (value: number): number => Number(value.toFixed(4));
const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Scores one requirement against one availability on four dimensions, each in [0, 1]: how much of the need the lot
 * covers, whether its price fits the buyer's ceiling, how far it has to travel, and how well its measured quality
 * meets the buyer's ranges. Deterministic, so a rerun over unchanged rows proposes the same matches.
 */
export class MatchScorer {
  constructor(private readonly config: MatchingConfig = DEFAULT_MATCHING_CONFIG) {}

  /** Async because a refinement of edge cases would be I/O; the rule-based score itself is immediate. */
  async calculateScore(demand: DemandSide, supply: SupplySide): Promise<MatchScore> {
    return this.ruleBasedScore(demand, supply);
  }

  ruleBasedScore(demand: DemandSide, supply: SupplySide): MatchScore {
    const { weights } = this.config;
    const parts = {
      quantity: this.quantityScore(demand, supply),
      price: this.priceScore(demand, supply),
      location: this.locationScore(demand, supply),
      quality: this.qualityScore(demand, supply),
    };
    const weightSum = weights.quantity + weights.price + weights.location + weights.quality;
    const total = round4(
      (parts.quantity * weights.quantity + parts.price * weights.price + parts.location * weights.location + parts.quality * weights.quality) /
        weightSum,
    );
    const coverableKg = Math.min(toKilograms(demand.quantity, demand.unit), toKilograms(supply.quantity, supply.unit));
    return {
      total,
      quantity: round4(parts.quantity),
      price: round4(parts.price),
      location: round4(parts.location),
      quality: round4(parts.quality),
      // Back into the buyer's unit, to the gram the database keeps.
      matchedQuantity: Number((coverableKg / toKilograms(1, demand.unit)).toFixed(3)),
      edgeCase: this.isEdgeCase(total),
    };
  }

  isEdgeCase(total: number): boolean {
    return Math.abs(total - this.config.minScore) <= this.config.edgeBand;
  }

  /** Share of the remaining need the lot can cover; units are compared by weight. */
  quantityScore(demand: DemandSide, supply: SupplySide): number {
    const needKg = toKilograms(demand.quantity, demand.unit);
    if (needKg <= 0) return 0;
    return clamp01(toKilograms(supply.quantity, supply.unit) / needKg);
  }

  /** 1 at or under the buyer's ceiling, falling linearly to 0 at `priceTolerance` above it. */
  priceScore(demand: DemandSide, supply: SupplySide): number {
    const offered = pricePerKilogram(supply.pricePerUnit, supply.unit);
    const ceiling = pricePerKilogram(demand.maxPricePerUnit, demand.unit);
    if (offered <= ceiling) return 1;
    const over = (offered - ceiling) / ceiling;
    return clamp01(1 - over / this.config.priceTolerance);
  }

  /** Same place, same state, or a longer haul; freight is the buyer's largest hidden cost. */
  locationScore(demand: DemandSide, supply: SupplySide): number {
    if (same(demand.deliveryLocation, supply.location)) return 1;
    if (demand.deliveryStateCode === supply.stateCode) return 0.7;
    return 0.3;
  }

  /**
   * The mean over the buyer's quality parameters: 1 within range, 0.5 when the lot does not declare the parameter,
   * and falling off with the relative distance outside the range (10% outside scores 0).
   */
  qualityScore(demand: DemandSide, supply: SupplySide): number {
    const parameters = Object.keys(demand.qualitySpec).sort();
    let score = 1;
    if (parameters.length > 0) {
      let sum = 0;
      for (const parameter of parameters) {
        const { min, max } = demand.qualitySpec[parameter]!;
        const reading = supply.quality[parameter];
        if (reading === undefined) {
          sum += 0.5;
          continue;
        }
        let shortfall = 0;
        if (min !== undefined && reading < min) shortfall = (min - reading) / Math.max(Math.abs(min), 1e-9);
        if (max !== undefined && reading > max) shortfall = (reading - max) / Math.max(Math.abs(max), 1e-9);
        sum += clamp01(1 - shortfall * 10);
      }
      score = sum / parameters.length;
    }
    const varietyMatches = !demand.variety || !supply.variety || same(demand.variety, supply.variety);
    return varietyMatches ? score : score * this.config.varietyMismatchFactor;
  }
}
