// Slows down guessing: each failure (a wrong API key, a wrong dashboard token) takes one token
// from the client's bucket; an empty bucket refuses that client's credentials for a while, before
// they are checked. Successes cost nothing. In memory, per instance, keyed by client address.

export interface FailureThrottle {
  /** Seconds until the client may try again; 0 when it may now. */
  waitFor(client: string, nowMs?: number): number;
  fail(client: string, nowMs?: number): void;
}

export function createFailureThrottle(opts: { burst: number; perSecond: number; maxClients?: number }): FailureThrottle {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxClients = opts.maxClients ?? 10_000;
  const refill = (client: string, now: number) => {
    const b = buckets.get(client);
    if (!b) return opts.burst;
    b.tokens = Math.min(opts.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * opts.perSecond);
    b.at = now;
    return b.tokens;
  };
  return {
    waitFor(client, now = Date.now()) {
      const tokens = refill(client, now);
      return tokens >= 1 ? 0 : (1 - tokens) / opts.perSecond;
    },
    fail(client, now = Date.now()) {
      const tokens = refill(client, now);
      if (!buckets.has(client) && buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!);
      buckets.set(client, { tokens: Math.max(0, tokens - 1), at: now });
    },
  };
}
