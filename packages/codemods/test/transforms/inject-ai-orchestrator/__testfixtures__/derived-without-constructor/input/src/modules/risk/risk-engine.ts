import { helper } from './helper.js';

class Engine {
  constructor(protected readonly band = 2) {}
}

export class RiskEngine extends Engine {
  async scoreRisk(values: number[]): Promise<number> {
    const score = this.ruleBasedScore(values);
    return helper(score);
  }

  ruleBasedScore(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
  }

  isEdgeCase(score: number): boolean {
    return Math.abs(score - 50) <= this.band;
  }
}
