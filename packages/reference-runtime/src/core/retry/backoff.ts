/** Exponential backoff: `baseMs`, then doubling after each failure, never above `capMs`. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /**
   * Fraction of the delay that is randomised (0 = none, 1 = "full jitter"), so that many rows failing together do
   * not all come back at the same instant.
   */
  jitter?: number;
}

/** The delay before the next try after `failures` failed attempts (1 = the first failure). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  // 2 ** exponent overflows to Infinity long after it passed any sane cap; Math.min handles that.
  const delay = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter ?? 0, 0), 1);
  return Math.round(delay * (1 - jitter * random()));
}

export function validateBackoff(policy: BackoffPolicy, what: string): BackoffPolicy {
  if (!(policy.baseMs >= 0) || !(policy.capMs >= policy.baseMs)) {
    throw new RangeError(`${what}: backoff needs 0 <= baseMs <= capMs (got ${policy.baseMs} and ${policy.capMs})`);
  }
  return policy;
}
