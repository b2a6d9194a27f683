import { describe, expect, it } from 'vitest';
import { bucketWidth, downsample } from '@/lib/downsample';

describe('bucketWidth', () => {
  it('is 1 while the range fits', () => {
    expect(bucketWidth(0, 99, 100)).toBe(1);
    expect(bucketWidth(0, 0, 1)).toBe(1);
    expect(bucketWidth(5, 3, 10)).toBe(1);
  });
  it('never yields more buckets than asked', () => {
    for (const [from, to, max] of [[0, 100, 100], [0, 999_999, 2000], [17, 12_345, 7], [0, 1, 1]]) {
      const w = bucketWidth(from, to, max);
      expect(Math.ceil((to - from + 1) / w)).toBeLessThanOrEqual(max);
      expect(Math.ceil((to - from + 1) / (w - 1 || 1)) > max || w === 1).toBe(true);
    }
  });
  it('refuses maxPoints below 1', () => {
    expect(() => bucketWidth(0, 10, 0)).toThrow(RangeError);
  });
});

describe('downsample', () => {
  it('keeps min and max per bucket so a one-step spike survives', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    const values = steps.map((s) => (s === 501 ? 9 : 1));
    const out = downsample(steps, values, 0, 100);
    expect(out).toHaveLength(10);
    expect(out[5]).toEqual({ step: 500, value: (99 + 9) / 100, min: 1, max: 9 });
    expect(out.filter((b) => b.max === 9)).toHaveLength(1);
  });
  it('starts each bucket at its first present step and skips gaps and non-finite values', () => {
    const out = downsample([3, 4, 12, 13, 40], [1, 2, Number.NaN, 5, 7], 0, 10);
    expect(out).toEqual([
      { step: 3, value: 1.5, min: 1, max: 2 },
      { step: 13, value: 5, min: 5, max: 5 },
      { step: 40, value: 7, min: 7, max: 7 },
    ]);
  });
  it('returns nothing for no points', () => {
    expect(downsample([], [], 0, 5)).toEqual([]);
  });
});
