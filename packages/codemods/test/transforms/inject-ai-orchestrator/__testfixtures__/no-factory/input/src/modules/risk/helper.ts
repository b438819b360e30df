export function helper(score: number): number {
  return score;
}
