// One error type for every failed call, carrying what a caller (or the run logger) needs to
// decide whether to try again: the same outcome classes as the Python client's transport.

/**
 * retry: network error, timeout, 5xx, 408, 425 — the server may come back.
 * throttled: 429 — wait Retry-After, then send again.
 * rejected: any other 4xx (bad input, wrong key, other project) — this request will never succeed as it is.
 */
export type Outcome = 'retry' | 'throttled' | 'rejected';

export class LrscopeError extends Error {
  constructor(
    /** The procedure called, e.g. "runs.log". */
    readonly procedure: string,
    /** HTTP status; 0 when no reply came (connection refused, reset, timeout). */
    readonly status: number,
    message: string,
    /** The wait the server asked for (429 Retry-After), in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LrscopeError';
  }

  get outcome(): Outcome {
    return outcomeOf(this.status);
  }
}

export function outcomeOf(status: number): Outcome {
  if (status === 429) return 'throttled';
  if (status === 0 || status >= 500 || status === 408 || status === 425) return 'retry';
  return 'rejected';
}

/** Retry-After as seconds (the server's form) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
