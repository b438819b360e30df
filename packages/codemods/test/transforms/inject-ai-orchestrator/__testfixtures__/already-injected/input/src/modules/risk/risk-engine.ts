import { getOrchestrator } from '../../ai/orchestrator.js';

export class RiskEngine {
  constructor(private readonly orchestrator = getOrchestrator()) {}

  async scoreRisk(values: number[]): Promise<number> {
    return this.ruleBasedScore(values);
  }

  ruleBasedScore(values: number[]): number {
    return values.length;
  }

  isEdgeCase(score: number): boolean {
    return score === 0;
  }
}
