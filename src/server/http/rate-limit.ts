// Token buckets per API key (or, for reads, per client address), so one runaway trainer cannot starve the others. Two budgets:
// requests (a trainer posting one point per call) and points (huge batches). In memory per
// instance: with N instances behind a balancer a key gets up to N times the budget.

export interface RateLimits {
  requestsPerSecond: number;
  pointsPerSecond: number;
  /** Seconds of budget a quiet key may spend at once. */
  burstSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { requestsPerSecond: 200, pointsPerSecond: 1_000_000, burstSeconds: 2 };

interface Bucket {
  requests: number;
  points: number;
  at: number;
}

export interface RateLimiter {
  /** Takes one request and `points` points from the key's budget; returns 0, or the seconds to wait. */
  take(key: number | string, points: number, nowMs?: number): number;
}

export function createRateLimiter(limits: RateLimits = DEFAULT_RATE_LIMITS, maxKeys = 10_000): RateLimiter {
  const buckets = new Map<number | string, Bucket>();
  const capR = limits.requestsPerSecond * limits.burstSeconds;
  const capP = limits.pointsPerSecond * limits.burstSeconds;
  return {
    take(keyId, points, nowMs = Date.now()) {
      let b = buckets.get(keyId);
      if (!b) {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
        b = { requests: capR, points: capP, at: nowMs };
        buckets.set(keyId, b);
      }
      const dt = Math.max(0, nowMs - b.at) / 1000;
      b.requests = Math.min(capR, b.requests + dt * limits.requestsPerSecond);
      b.points = Math.min(capP, b.points + dt * limits.pointsPerSecond);
      b.at = nowMs;
      // A batch larger than the whole burst can never fit; let it through when the bucket is full.
      const pointsNeeded = Math.min(points, capP);
      if (b.requests >= 1 && b.points >= pointsNeeded) {
        b.requests -= 1;
        b.points -= pointsNeeded;
        return 0;
      }
      const waitR = b.requests >= 1 ? 0 : (1 - b.requests) / limits.requestsPerSecond;
      const waitP = b.points >= pointsNeeded ? 0 : (pointsNeeded - b.points) / limits.pointsPerSecond;
      return Math.max(waitR, waitP);
    },
  };
}
