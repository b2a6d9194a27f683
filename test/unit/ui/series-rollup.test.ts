// The chart pyramid (src/server/db/rollup.ts) gives the same buckets as bucketing every point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverRange, foldSeries, mergeParts, mergeRollupRows, type Part, planSeries, ROLLUP_SIZES, type RollupRow } from '@/server/db/rollup';
import { downsample } from '@/lib/downsample';

/** An in-memory store: one batch's rows merged as the stores merge them, raw points for the edges. */
function pyramid(points: { step: number; v: number }[]) {
  const out: RollupRow[] = [];
  foldSeries('lr', points.map((p) => p.step), points.map((p) => p.v), out);
  const rows = mergeRollupRows(out);
  return (from: number, to: number, sizeIndex: number): Part[] => {
    const c = coverRange(from, to, sizeIndex);
    const parts: Part[] = [];
    for (const b of c.blocks) for (const r of rows.values()) if (r.size === b.size && r.bucket >= b.lo && r.bucket <= b.hi) parts.push({ start: r.size * r.bucket, step: r.step, min: r.min, max: r.max, sum: r.sum, count: r.count });
    for (const r of c.raw) for (const p of points) if (p.step >= r.from && p.step <= r.to) parts.push({ start: p.step, step: p.step, min: p.v, max: p.v, sum: p.v, count: 1 });
    return parts;
  };
}

describe('chart pyramid', () => {
  it('covers a range exactly: blocks inside, raw points only at the edges', () => {
    const c = coverRange(100, 100_000, 3);
    const covered = [...c.blocks.map((b) => [b.lo * b.size, (b.hi + 1) * b.size - 1]), ...c.raw.map((r) => [r.from, r.to])].sort((a, b) => a[0] - b[0]);
    expect(covered[0][0]).toBe(100);
    expect(covered[covered.length - 1][1]).toBe(100_000);
    for (let i = 1; i < covered.length; i++) expect(covered[i][0]).toBe(covered[i - 1][1] + 1);
    expect(c.raw.reduce((n, r) => n + r.to - r.from + 1, 0)).toBeLessThan(2 * ROLLUP_SIZES[0]);
  });

  it('matches bucketing every point, for any points, order and range', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 64, max: 40_000 }),
        (steps, a, b, asked) => {
          const points = steps.map((step) => ({ step, v: Math.sin(step) }));
          const [from, to] = [Math.min(a, b), Math.max(a, b)];
          const plan = planSeries(asked, Number.POSITIVE_INFINITY);
          if (plan.mode !== 'rollup') return;
          const got = mergeParts(pyramid(points)(from, to, plan.sizeIndex), plan.width);
          const inRange = points.filter((p) => p.step >= from && p.step <= to).sort((x, y) => x.step - y.step);
          const want = downsample(inRange.map((p) => p.step), inRange.map((p) => p.v), 0, plan.width);
          expect(got.length).toBe(want.length);
          got.forEach((g, i) => {
            expect(g.step).toBe(want[i].step);
            expect(g.min).toBe(want[i].min);
            expect(g.max).toBe(want[i].max);
            expect(g.value).toBeCloseTo(want[i].value, 9);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('merging leaves one row per block, equal to folding the points in step order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 300 }), (steps) => {
        const fold = (s: number[]) => {
          const out: RollupRow[] = [];
          foldSeries('lr', s, s.map((x) => x % 7), out);
          return out;
        };
        const merged = mergeRollupRows(fold(steps));
        const key = (r: RollupRow) => `${r.size}:${r.bucket}`;
        expect(new Set(merged.map(key)).size).toBe(merged.length);
        const sorted = fold([...steps].sort((a, b) => a - b));
        expect(merged.sort((a, b) => a.size - b.size || a.bucket - b.bucket)).toEqual(sorted.sort((a, b) => a.size - b.size || a.bucket - b.bucket));
      }),
      { numRuns: 100 },
    );
  });

  it('sums past the largest double saturate at Infinity instead of failing', () => {
    const out: RollupRow[] = [];
    foldSeries('lr', [0, 64, 1], [1e308, 0, 1e308], out);
    const merged = mergeRollupRows(out);
    expect(merged.find((r) => r.size === 64 && r.bucket === 0)).toMatchObject({ sum: Number.POSITIVE_INFINITY, count: 2, min: 1e308, max: 1e308 });
  });

  it('reads raw while cheap, and keeps the rounded width within 25% of the asked one', () => {
    expect(planSeries(500, 10_000)).toEqual({ mode: 'raw' });
    expect(planSeries(40, 1e6)).toEqual({ mode: 'raw' });
    // The largest block that keeps the width within 25%: fewer rows read for the same buckets.
    expect(planSeries(500, 1e6)).toEqual({ mode: 'rollup', sizeIndex: 1, width: 512 });
    expect(planSeries(600, 1e6)).toEqual({ mode: 'rollup', sizeIndex: 0, width: 640 });
    expect(planSeries(60, 1e6)).toEqual({ mode: 'rollup', sizeIndex: 0, width: 64 });
    expect(planSeries(70_000, 1e7)).toEqual({ mode: 'rollup', sizeIndex: 4, width: 81_920 });
    for (const w of [64, 100, 255, 256, 1000, 5000, 100_000]) {
      const q = planSeries(w, 1e7);
      if (q.mode === 'rollup') expect(q.width / w).toBeLessThanOrEqual(w < 256 ? 2 : 1.25);
    }
  });
});
