import { DEFAULT_MATCHING_CONFIG, MatchScorer, type DemandSide, type MatchScore, type MatchingConfig, type SupplySide } from './match-scorer.js';

export interface RankedMatch {
  requirementId: string;
  availabilityId: string;
  score: MatchScore;
}

/**
 * Pairs requirements with availabilities: scores every candidate with the `MatchScorer`, keeps those at or above
 * the minimum score, and ranks them best first (ties broken by id, so the order is stable across runs).
 */
export class MatchingEngine {
  readonly config: MatchingConfig;
  private readonly scorer: MatchScorer;

  constructor(config: Partial<MatchingConfig> = {}) {
    this.config = { ...DEFAULT_MATCHING_CONFIG, ...config };
    this.scorer = new MatchScorer(this.config);
  }

  /** The best lots for one requirement. */
  async rankAvailabilities(demand: DemandSide, candidates: SupplySide[]): Promise<RankedMatch[]> {
    const scored: RankedMatch[] = [];
    for (const supply of candidates.filter((s) => this.comparable(demand, s))) {
      scored.push({ requirementId: demand.id, availabilityId: supply.id, score: await this.scorer.calculateScore(demand, supply) });
    }
    return this.best(scored, (m) => m.availabilityId);
  }

  /** The best requirements for one lot. */
  async rankRequirements(supply: SupplySide, candidates: DemandSide[]): Promise<RankedMatch[]> {
    const scored: RankedMatch[] = [];
    for (const demand of candidates.filter((d) => this.comparable(d, supply))) {
      scored.push({ requirementId: demand.id, availabilityId: supply.id, score: await this.scorer.calculateScore(demand, supply) });
    }
    return this.best(scored, (m) => m.requirementId);
  }

  /** Only the same commodity, with something left on both sides, is worth scoring at all. */
  private comparable(demand: DemandSide, supply: SupplySide): boolean {
    return demand.commodityCode === supply.commodityCode && demand.quantity > 0 && supply.quantity > 0;
  }

  private best(scored: RankedMatch[], idOf: (m: RankedMatch) => string): RankedMatch[] {
    return scored
      .filter((m) => m.score.total >= this.config.minScore)
      .sort((a, b) => b.score.total - a.score.total || idOf(a).localeCompare(idOf(b)))
      .slice(0, this.config.maxMatchesPerRun);
  }
}
