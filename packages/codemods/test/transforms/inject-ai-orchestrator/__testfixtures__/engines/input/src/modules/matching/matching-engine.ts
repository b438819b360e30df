import { MatchScorer } from './match-scorer.js';

export class MatchingEngine {
  private readonly scorer = new MatchScorer();

  async rank(a: string, b: string) {
    return [await this.scorer.calculateScore(a, b)];
  }
}
