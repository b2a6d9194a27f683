// A live page outlives a database restart: its feed waits for the database to come back and
// reads again, rather than ending the stream with an error the page would have to recover from.
import { databaseUnavailable } from '../db/database-unavailable';
import { pause } from './pause';

export interface RetryOptions {
  signal?: AbortSignal;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called once per failed attempt (logging). */
  onRetry?: (err: unknown, delayMs: number) => void;
}

/** Runs `read` until it succeeds; retries (backing off) only while the database is unavailable. */
export async function retryWhileUnavailable<T>(read: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  let delay = opts.firstDelayMs ?? 250;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (!databaseUnavailable(err) || opts.signal?.aborted) throw err;
      opts.onRetry?.(err, delay);
      await pause(delay, opts.signal);
      if (opts.signal?.aborted) throw err;
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 5_000);
    }
  }
}
