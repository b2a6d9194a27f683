import { describe, expect, it } from 'vitest';
import { retryWhileUnavailable } from '@/server/live/retry-while-unavailable';

const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), {});
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('retryWhileUnavailable', () => {
  it('retries while the database is unavailable, backing off, and returns the first success', async () => {
    const failures = [lost(), refused(), refused()];
    const delays: number[] = [];
    let calls = 0;
    const value = await retryWhileUnavailable(
      async () => {
        calls++;
        const f = failures.shift();
        if (f) throw f;
        return 42;
      },
      { firstDelayMs: 1, maxDelayMs: 3, onRetry: (_err, d) => delays.push(d) },
    );
    expect(value).toBe(42);
    expect(calls).toBe(4);
    expect(delays).toEqual([1, 2, 3]);
  });

  it('passes any other error straight through, without retrying', async () => {
    let calls = 0;
    await expect(
      retryWhileUnavailable(async () => {
        calls++;
        throw new TypeError('a bug');
      }),
    ).rejects.toThrow('a bug');
    expect(calls).toBe(1);
  });

  it('gives up with the database error once the stream is aborted, even mid-wait', async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const t0 = Date.now();
    const p = retryWhileUnavailable(
      async () => {
        calls++;
        throw refused();
      },
      { signal: ctrl.signal, firstDelayMs: 60_000 },
    );
    setTimeout(() => ctrl.abort(), 20);
    await expect(p).rejects.toThrow(/ECONNREFUSED/);
    expect(calls).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
