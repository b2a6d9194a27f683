// Curve sampling: exact values while they fit, min/max buckets beyond, and a scheduler stepped
// once every k optimizer steps holding each value for k steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleCurve } from '@/lib/preview';

describe('sampleCurve', () => {
  it('gives every step when the run fits in maxPoints', () => {
    const { buckets, width } = sampleCurve((n) => 10 - n, 1, 5, 2000);
    expect(width).toBe(1);
    expect(buckets).toEqual([10, 9, 8, 7, 6].map((v, step) => ({ step, value: v, min: v, max: v })));
  });

  it('holds each value for stepsPerCall optimizer steps (a scheduler stepped per epoch)', () => {
    const { buckets } = sampleCurve((n) => n, 3, 7, 2000);
    expect(buckets.map((b) => b.value)).toEqual([0, 0, 0, 1, 1, 1, 2]);
  });

  it('keeps a drop inside a bucket in its min and max, and weighs the mean by steps held', () => {
    // MultiStepLR-like: 1 for n < 7, then 0.1; buckets of 4 steps.
    const { buckets, width } = sampleCurve((n) => (n < 7 ? 1 : 0.1), 1, 12, 3);
    expect(width).toBe(4);
    expect(buckets).toEqual([
      { step: 0, value: 1, min: 1, max: 1 },
      { step: 4, value: (3 * 1 + 0.1) / 4, min: 0.1, max: 1 },
      { step: 8, value: 0.1, min: 0.1, max: 0.1 },
    ]);
  });

  it('weighs values held across bucket edges by their steps inside the bucket', () => {
    // n changes every 3 steps, buckets of 2: bucket [2, 3] holds n = 0 at step 2 and n = 1 at step 3.
    const { buckets } = sampleCurve((n) => n * 10, 3, 6, 3);
    expect(buckets).toEqual([
      { step: 0, value: 0, min: 0, max: 0 },
      { step: 2, value: 5, min: 0, max: 10 },
      { step: 4, value: 10, min: 10, max: 10 },
    ]);
  });

  it('keeps a fast cycle visible as its full range when many cycles share a bucket', () => {
    const { buckets } = sampleCurve((n) => (n % 2 === 0 ? 1 : 0.5), 1, 1_000_000, 2000);
    expect(buckets).toHaveLength(2000);
    for (const b of buckets) {
      expect(b.min).toBe(0.5);
      expect(b.max).toBe(1);
    }
  });

  it('skips values that are not finite, and buckets that have none', () => {
    const { buckets } = sampleCurve((n) => (n < 2 ? Number.NaN : 1), 1, 4, 2);
    expect(buckets).toEqual([{ step: 2, value: 1, min: 1, max: 1 }]);
  });

  it('never exceeds maxPoints, covers every step, and its min ≤ mean ≤ max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 3000 }), (total, k, maxPoints) => {
        const seen: number[] = [];
        const { buckets, width } = sampleCurve(
          (n) => {
            seen.push(n);
            return Math.sin(n);
          },
          k,
          total,
          maxPoints,
        );
        expect(buckets.length).toBeLessThanOrEqual(maxPoints);
        expect(buckets.length).toBe(Math.ceil(total / width));
        for (const b of buckets) expect(b.min - 1e-12 <= b.value && b.value <= b.max + 1e-12).toBe(true);
        // Each scheduler value in the run is computed, and none twice except across a bucket edge.
        expect(new Set(seen).size).toBe(Math.floor((total - 1) / k) + 1);
      }),
      { numRuns: 60 },
    );
  });
});
