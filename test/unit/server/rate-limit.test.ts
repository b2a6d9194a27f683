import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '@/server/http/rate-limit';

describe('rate limiter', () => {
  const limits = { requestsPerSecond: 10, pointsPerSecond: 1000, burstSeconds: 1 };

  it('lets a key spend its burst, then asks it to wait', () => {
    const rl = createRateLimiter(limits);
    for (let i = 0; i < 10; i++) expect(rl.take(1, 1, 0)).toBe(0);
    expect(rl.take(1, 1, 0)).toBeCloseTo(0.1);
    expect(rl.take(1, 1, 100)).toBe(0);
  });

  it('limits points as well as requests', () => {
    const rl = createRateLimiter(limits);
    expect(rl.take(1, 800, 0)).toBe(0);
    expect(rl.take(1, 800, 0)).toBeCloseTo(0.6);
    expect(rl.take(1, 800, 600)).toBe(0);
  });

  it('keeps keys apart: one runaway key does not slow another', () => {
    const rl = createRateLimiter(limits);
    for (let i = 0; i < 50; i++) rl.take(1, 100, 0);
    expect(rl.take(2, 100, 0)).toBe(0);
  });

  it('lets a batch bigger than the whole burst through when the bucket is full', () => {
    const rl = createRateLimiter(limits);
    expect(rl.take(1, 5000, 0)).toBe(0);
    expect(rl.take(1, 5000, 0)).toBeCloseTo(1);
  });
});
