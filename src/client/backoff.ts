// How long to wait before the next attempt: exponential, capped, with jitter so that many
// trainers cut off by one server restart do not all come back in the same millisecond.

export interface BackoffPolicy {
  /** Wait before the first retry (before jitter). */
  baseMs: number;
  /** Longest wait between attempts. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 30_000 };

/**
 * The wait after `failures` consecutive failures (1 = the first): base·2^(failures−1), capped,
 * then "equal jitter" — half of it fixed, half random — so waits still grow while spreading out.
 */
export function backoffMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return exp / 2 + (exp / 2) * random();
}
