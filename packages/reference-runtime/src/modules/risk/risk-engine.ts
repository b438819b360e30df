/**
 * Rule-based risk scoring and credit limits for the trade desk. Pure and deterministic: the same facts give the same
 * score, which is what lets credit control explain (and an auditor replay) every decision.
 *
 * A risk factor is a value in [0, 1] (0 = no risk, 1 = worst) with a weight. The score is the weighted mean scaled to
 * 0-100; the grade and decision follow from fixed thresholds. A score within `edgeBand` points of a decision
 * threshold is flagged as an edge case: those are the decisions a second opinion could change, and the only ones
 * worth spending one on.
 */

export type RiskGrade = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type RiskDecision = 'APPROVE' | 'REVIEW' | 'REJECT';

export interface RiskFactor {
  name: string;
  /** 0 = no risk, 1 = the worst this factor measures. */
  value: number;
  weight: number;
  detail?: string;
}

export interface WeightedFactor extends RiskFactor {
  /** Points of the 0-100 score this factor accounts for. */
  contribution: number;
}

export interface RiskScore {
  score: number;
  grade: RiskGrade;
  decision: RiskDecision;
  edgeCase: boolean;
  factors: WeightedFactor[];
  /** Hard stops (a blocked partner, credit exhausted): REJECT whatever the score. */
  blockers: string[];
  method: 'rules';
}

export interface CreditExposure {
  limitAmount: number;
  utilizedAmount: number;
}

export interface PartnerRiskProfile {
  yearsInBusiness: number;
  /** Average days past the due date over the last year. */
  avgPaymentDelayDays: number;
  defaultsLast12Months: number;
  gstCompliant: boolean;
  kycVerified: boolean;
}

export interface CreditFinancials {
  /** INR. */
  annualTurnover: number;
  /** INR; when known, caps the limit at a share of it. */
  netWorth?: number;
  yearsInBusiness: number;
  avgPaymentDelayDays: number;
  defaultsLast12Months: number;
}

export interface CreditLimitAssessment {
  recommendedLimit: number;
  riskScore: number;
  /** Share of the base limit granted at this risk. */
  multiplier: number;
  edgeCase: boolean;
  basis: string[];
}

export interface RiskEngineConfig {
  /** Below `review` a score is approved; from `review` it is reviewed; from `reject` it is rejected. */
  thresholds: { review: number; reject: number };
  /** Lower bounds of the MEDIUM, HIGH and CRITICAL grades. */
  grades: { medium: number; high: number; critical: number };
  /** Points either side of a threshold that make an edge case. */
  edgeBand: number;
  /** An order or lot worth this much (INR) or more counts as the largest size risk. */
  largeOrderValue: number;
  credit: {
    /** Base limit as a share of annual turnover. */
    turnoverShare: number;
    /** And at most this share of net worth, when it is known. */
    netWorthShare: number;
    /** Risk score bounds of the limit tiers, and the share of the base limit each tier gets. */
    tiers: { below: number; multiplier: number }[];
    maxLimit: number;
    /** Limits are granted in round amounts. */
    roundTo: number;
  };
}

export const DEFAULT_RISK_CONFIG: RiskEngineConfig = {
  thresholds: { review: 40, reject: 70 },
  grades: { medium: 25, high: 50, critical: 75 },
  edgeBand: 3,
  largeOrderValue: 50_000_000, // ₹5 crore
  credit: {
    turnoverShare: 0.1,
    netWorthShare: 0.5,
    tiers: [
      { below: 30, multiplier: 1 },
      { below: 50, multiplier: 0.75 },
      { below: 70, multiplier: 0.5 },
      { below: Infinity, multiplier: 0 },
    ],
    maxLimit: 100_000_000, // ₹10 crore
    roundTo: 10_000,
  },
};

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
const round = (value: number, places: number): number => Number(value.toFixed(places));

export class RiskEngine {
  private readonly config: RiskEngineConfig;

  constructor(config: Partial<RiskEngineConfig> = {}) {
    this.config = { ...DEFAULT_RISK_CONFIG, ...config };
    const { review, reject } = this.config.thresholds;
    if (!(review < reject)) throw new RangeError(`review threshold ${review} must be below reject threshold ${reject}`);
  }

  /**
   * Scores a set of factors. Async on purpose: refining an edge case (a bureau lookup, a model) is I/O, and callers
   * should not have to change when one is added.
   */
  async scoreRisk(factors: RiskFactor[], blockers: string[] = []): Promise<RiskScore> {
    const score = this.ruleBasedScore(factors);
    const totalWeight = factors.reduce((sum, f) => sum + f.weight, 0);
    return {
      score,
      grade: this.gradeFor(score),
      decision: blockers.length > 0 ? 'REJECT' : this.decisionFor(score),
      // A blocked partner is rejected however close the score is; there is nothing left to weigh.
      edgeCase: blockers.length === 0 && this.isEdgeCase(score),
      factors: factors.map((f) => ({ ...f, value: round(f.value, 4), contribution: round((100 * f.weight * f.value) / totalWeight, 4) })),
      blockers,
      method: 'rules',
    };
  }

  /** The weighted mean of the factor values, scaled to 0-100 and rounded to two places. */
  ruleBasedScore(factors: RiskFactor[]): number {
    if (factors.length === 0) throw new RangeError('at least one risk factor is needed');
    let weighted = 0;
    let total = 0;
    for (const factor of factors) {
      if (!(factor.weight > 0)) throw new RangeError(`factor ${factor.name}: weight must be positive`);
      if (!(factor.value >= 0 && factor.value <= 1)) throw new RangeError(`factor ${factor.name}: value must be within [0, 1]`);
      weighted += factor.weight * factor.value;
      total += factor.weight;
    }
    return round((100 * weighted) / total, 2);
  }

  /** Whether the score is close enough to a decision threshold that the decision could reasonably go either way. */
  isEdgeCase(score: number): boolean {
    const { review, reject } = this.config.thresholds;
    return [review, reject].some((threshold) => Math.abs(score - threshold) <= this.config.edgeBand);
  }

  gradeFor(score: number): RiskGrade {
    const { medium, high, critical } = this.config.grades;
    if (score >= critical) return 'CRITICAL';
    if (score >= high) return 'HIGH';
    if (score >= medium) return 'MEDIUM';
    return 'LOW';
  }

  decisionFor(score: number): RiskDecision {
    const { review, reject } = this.config.thresholds;
    if (score >= reject) return 'REJECT';
    if (score >= review) return 'REVIEW';
    return 'APPROVE';
  }

  // ---- factors per subject ---------------------------------------------------------------------------------

  /** A buyer's requirement: can the buyer pay for it, how big is it, how rushed is it. */
  requirementFactors(facts: { orderValue: number; exposure: CreditExposure | null; daysUntilRequired: number | null }): RiskFactor[] {
    return [
      this.creditHeadroom(facts.orderValue, facts.exposure, 0.45),
      this.size('order_size', facts.orderValue, 0.25),
      {
        name: 'delivery_urgency',
        // A week or less leaves no time to inspect or re-source; two months or more is routine.
        value: facts.daysUntilRequired === null ? 0.3 : clamp01((60 - facts.daysUntilRequired) / 53),
        weight: 0.3,
        detail: facts.daysUntilRequired === null ? 'no required-by date' : `required in ${facts.daysUntilRequired} days`,
      },
    ];
  }

  /** A seller's lot: is its quality disclosed, how has the seller scored, how big is it. */
  availabilityFactors(facts: { lotValue: number; qualityParameters: number; sellerScore: number | null }): RiskFactor[] {
    const disclosed = facts.qualityParameters;
    return [
      {
        name: 'quality_disclosure',
        value: disclosed >= 3 ? 0 : disclosed > 0 ? 0.5 : 1,
        weight: 0.3,
        detail: `${disclosed} quality parameter(s) declared`,
      },
      {
        name: 'seller_history',
        value: facts.sellerScore === null ? 0.5 : clamp01(facts.sellerScore / 100),
        weight: 0.4,
        detail: facts.sellerScore === null ? 'seller never scored' : `latest seller score ${facts.sellerScore}`,
      },
      this.size('lot_size', facts.lotValue, 0.3),
    ];
  }

  partnerFactors(profile: PartnerRiskProfile, exposure: CreditExposure | null): RiskFactor[] {
    const utilization = exposure && exposure.limitAmount > 0 ? clamp01(exposure.utilizedAmount / exposure.limitAmount) : null;
    return [
      ...this.behaviourFactors(profile),
      {
        name: 'compliance',
        value: (profile.gstCompliant ? 0 : 0.5) + (profile.kycVerified ? 0 : 0.5),
        weight: 0.15,
        detail: `GST ${profile.gstCompliant ? 'compliant' : 'not compliant'}, KYC ${profile.kycVerified ? 'verified' : 'pending'}`,
      },
      {
        name: 'credit_utilization',
        value: utilization ?? 0.5,
        weight: 0.2,
        detail: utilization === null ? 'no credit limit on record' : `${Math.round(utilization * 100)}% of the limit used`,
      },
    ];
  }

  /** A proposed trade: headroom of the buyer's credit, size, and how far the price is from the reference. */
  tradeFactors(facts: { tradeValue: number; exposure: CreditExposure | null; priceDeviation: number | null }): RiskFactor[] {
    return [
      this.creditHeadroom(facts.tradeValue, facts.exposure, 0.5),
      this.size('trade_size', facts.tradeValue, 0.25),
      {
        name: 'price_deviation',
        // 20% away from the reference price is as suspicious as it gets (wash trades, fat fingers).
        value: facts.priceDeviation === null ? 0.3 : clamp01(Math.abs(facts.priceDeviation) * 5),
        weight: 0.25,
        detail: facts.priceDeviation === null ? 'no reference price' : `${round(facts.priceDeviation * 100, 1)}% from the reference price`,
      },
    ];
  }

  // ---- credit limits -------------------------------------------------------------------------------------

  /** The limit credit control should grant: a share of turnover (capped by net worth), scaled down by risk. */
  async assessCreditLimit(financials: CreditFinancials): Promise<CreditLimitAssessment> {
    const { credit } = this.config;
    const riskScore = this.ruleBasedScore(this.behaviourFactors(financials));
    const fromTurnover = financials.annualTurnover * credit.turnoverShare;
    const fromNetWorth = financials.netWorth !== undefined ? financials.netWorth * credit.netWorthShare : Infinity;
    const base = Math.min(fromTurnover, fromNetWorth, credit.maxLimit);
    const tier = credit.tiers.find((t) => riskScore < t.below) ?? credit.tiers[credit.tiers.length - 1]!;
    const recommendedLimit = Math.floor((base * tier.multiplier) / credit.roundTo) * credit.roundTo;
    const bounds = credit.tiers.map((t) => t.below).filter(Number.isFinite);
    return {
      recommendedLimit,
      riskScore,
      multiplier: tier.multiplier,
      edgeCase: bounds.some((b) => Math.abs(riskScore - b) <= this.config.edgeBand),
      basis: [
        `${credit.turnoverShare * 100}% of turnover ${financials.annualTurnover}`,
        ...(financials.netWorth !== undefined ? [`capped at ${credit.netWorthShare * 100}% of net worth ${financials.netWorth}`] : []),
        `risk score ${riskScore} grants ${tier.multiplier * 100}% of the base`,
      ],
    };
  }

  // ---- building blocks -----------------------------------------------------------------------------------

  private behaviourFactors(history: Pick<PartnerRiskProfile, 'yearsInBusiness' | 'avgPaymentDelayDays' | 'defaultsLast12Months'>): RiskFactor[] {
    return [
      {
        name: 'track_record',
        value: clamp01(1 - history.yearsInBusiness / 10),
        weight: 0.15,
        detail: `${history.yearsInBusiness} years in business`,
      },
      {
        name: 'payment_behaviour',
        value: clamp01(history.avgPaymentDelayDays / 60),
        weight: 0.25,
        detail: `pays ${history.avgPaymentDelayDays} days late on average`,
      },
      {
        name: 'defaults',
        value: clamp01(history.defaultsLast12Months / 3),
        weight: 0.25,
        detail: `${history.defaultsLast12Months} default(s) in 12 months`,
      },
    ];
  }

  private creditHeadroom(value: number, exposure: CreditExposure | null, weight: number): RiskFactor {
    if (!exposure) return { name: 'credit_headroom', value: 1, weight, detail: 'no credit limit on record' };
    const available = exposure.limitAmount - exposure.utilizedAmount;
    return {
      name: 'credit_headroom',
      value: available <= 0 ? 1 : clamp01(value / available),
      weight,
      detail: `needs ${value} of ${Math.max(available, 0)} available credit`,
    };
  }

  private size(name: string, value: number, weight: number): RiskFactor {
    return { name, value: clamp01(value / this.config.largeOrderValue), weight, detail: `worth ${round(value, 2)}` };
  }
}
