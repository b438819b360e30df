import { helper } from './helper.js';

export class RiskEngine {
  private readonly band: number;

  constructor(...bands: number[]) {
    this.band = bands[0] ?? 2;
  }

  // The score the desk sees.
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
