import { MatchScorer } from './match-scorer.js';
import { getOrchestrator, type BaseAIOrchestrator } from '../../ai/orchestrator.js';

export class MatchingEngine {
  constructor(private readonly orchestrator: BaseAIOrchestrator = getOrchestrator()) {}

  private readonly scorer = new MatchScorer();

  async rank(a: string, b: string) {
    return [await this.refineEdgeCase(await this.scorer.calculateScore(a, b))];
  }

  /**
   * A second opinion on an edge case from the AI orchestrator. The rule-based value stands unless the orchestrator
   * answers with a valid score in [0, 1] that differs from it beyond the engine's precision, with confidence of at
   * least 0.8 and not from a fallback provider. A failing provider never fails the scoring.
   */
  private async refineEdgeCase<T extends { total: number; edgeCase: boolean }>(score: T): Promise<T> {
    if (!score.edgeCase) return score;
    const total = await this.refineEdgeCaseTotal(score.total);
    return total === score.total ? score : { ...score, total };
  }

  private async refineEdgeCaseTotal(baseline: number): Promise<number> {
    const scale = baseline > 1 ? 100 : 1;
    try {
      const answer = await this.orchestrator.execute({
        task: 'match_scoring',
        prompt: 'MatchingEngine: refine this rule-based score of an edge case',
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
