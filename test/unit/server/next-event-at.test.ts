// Pages held back by the event interval wake on one shared grid, so they share one read per tick.
import { describe, expect, it } from 'vitest';
import { MIN_EVENT_INTERVAL_MS, nextEventAt } from '@/server/live/run-feed';

describe('nextEventAt', () => {
  it('is never sooner than the interval after the last event, and on the grid', () => {
    for (const last of [0, 1, 199.9, 200, 201, 12_345.678, 1e9 + 0.5]) {
      const next = nextEventAt(last);
      expect(next - last).toBeGreaterThanOrEqual(MIN_EVENT_INTERVAL_MS);
      expect(next - last).toBeLessThan(2 * MIN_EVENT_INTERVAL_MS);
      expect(next % MIN_EVENT_INTERVAL_MS).toBe(0);
    }
  });

  it('wakes pages whose last events were in the same tick at the same moment', () => {
    const times = [1_000.1, 1_050, 1_120, 1_199.9].map(nextEventAt);
    expect(new Set(times)).toEqual(new Set([1_400]));
  });
});
