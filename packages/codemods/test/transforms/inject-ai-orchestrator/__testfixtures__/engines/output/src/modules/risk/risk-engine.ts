import { helper } from './helper.js';
import { getOrchestrator, type BaseAIOrchestrator } from '../../ai/orchestrator.js';

export class RiskEngine {
  constructor(private readonly band = 2, private readonly orchestrator: BaseAIOrchestrator = getOrchestrator()) {}

  // The score the desk sees.
  async scoreRisk(values: number[]): Promise<number> {
    const score = await this.refineEdgeCase(this.ruleBasedScore(values));
    return helper(score);
  }

  ruleBasedScore(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
  }

  isEdgeCase(score: number): boolean {
    return Math.abs(score - 50) <= this.band;
  }

  /**
   * A second opinion on an edge case from the AI orchestrator. The rule-based value stands unless the orchestrator
   * answers with a valid score in [0, 1] that differs from it beyond the engine's precision, with confidence of at
   * least 0.8 and not from a fallback provider. A failing provider never fails the scoring.
   */
  private async refineEdgeCase(baseline: number): Promise<number> {
    if (!this.isEdgeCase(baseline)) return baseline;
    const scale = baseline > 1 ? 100 : 1;
    try {
      const answer = await this.orchestrator.execute({
        task: 'risk_assessment',
        prompt: 'RiskEngine: refine this rule-based score of an edge case',
        baselineScore: baseline / scale,
      });
      const score = answer.score;
      if (answer.fallback || score === undefined || !Number.isFinite(score) || score < 0 || score > 1 || answer.confidence < 0.8) return baseline;
      // An answer within the rounding of the baseline is the baseline echoed back, not an adjustment.
      return Math.abs(score * scale - baseline) <= 5e-5 * scale ? baseline : Number((score * scale).toFixed(4));
    } catch {
      return baseline;
    }
  }
}
