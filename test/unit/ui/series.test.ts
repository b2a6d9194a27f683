import { describe, expect, it } from 'vitest';
import { livePoints } from '@/lib/live-columns';
import { appendLive, disagreementRegions, mergeLive } from '@/lib/ui/series';

const b = (step: number, value: number, min = value, max = value) => ({ step, value, min, max });

describe('mergeLive', () => {
  it('adds pushed points after the history, in step order', () => {
    expect(mergeLive([b(0, 1), b(10, 1)], [{ step: 30, value: 2 }, { step: 20, value: 3 }]).map((p) => p.step)).toEqual([0, 10, 20, 30]);
  });
  it('replaces a raw point re-sent live, and keeps a wide bucket that already holds it', () => {
    const out = mergeLive([b(0, 1), b(10, 1.5, 1, 2)], [{ step: 0, value: 9 }, { step: 10, value: 7 }]);
    expect(out).toEqual([b(0, 9), b(10, 1.5, 1, 2)]);
  });
  it('skips points without a value', () => {
    expect(mergeLive([], [{ step: 1, value: null }, { step: 2, value: Number.NaN }, { step: 3, value: 1 }])).toEqual([b(3, 1)]);
  });
});

describe('appendLive', () => {
  it('keeps arrival order so a refetch can drop what it covers', () => {
    const p = (step: number) => ({ step, epoch: null, lr: 1, loss: null, time: null, expectedLr: null });
    expect(appendLive([p(5)], [p(1), p(9)]).map((x) => x.step)).toEqual([5, 1, 9]);
  });
});

describe('disagreementRegions', () => {
  it('shades from the first step where the LR leaves the schedule to the end', () => {
    const actual = [0, 5000, 10_000, 15_000, 20_000].map((s) => b(s, 5e-4));
    const expected = [b(0, 5e-4), b(5000, 5e-4), b(10_000, 4e-4), b(15_000, 4e-4), b(20_000, 3e-4)];
    expect(disagreementRegions(actual, expected)).toEqual([{ from: 10_000, to: 20_000 }]);
  });
  it('ends a region where they agree again, and ignores rounding', () => {
    const actual = [b(0, 0.1), b(1, 0.05), b(2, 0.05), b(3, 0.025000001)];
    const expected = [b(0, 0.1), b(1, 0.1), b(2, 0.05), b(3, 0.025)];
    expect(disagreementRegions(actual, expected)).toEqual([{ from: 1, to: 2 }]);
  });
  it('treats buckets whose min–max ranges touch as agreeing (a drop inside a bucket)', () => {
    expect(disagreementRegions([b(0, 4.5e-4, 4e-4, 5e-4)], [b(0, 4.5e-4, 4e-4, 5e-4)])).toEqual([]);
  });
  it('has nothing to say without a schedule', () => {
    expect(disagreementRegions([b(0, 1)], [])).toEqual([]);
  });
});

describe('livePoints', () => {
  it('turns the live feed\'s columns into points, a missing value null', () => {
    const columns = { step: [5, 6], epoch: [0.5, null], lr: [1e-3, 2e-3], loss: [null, 0.25], time: [1.7e9, 1.7e9 + 1], expectedLr: [1e-3] };
    expect(livePoints(columns)).toEqual([
      { step: 5, epoch: 0.5, lr: 1e-3, loss: null, time: 1.7e9, expectedLr: 1e-3 },
      { step: 6, epoch: null, lr: 2e-3, loss: 0.25, time: 1.7e9 + 1, expectedLr: null },
    ]);
  });
  it('gives no points for empty columns', () => {
    expect(livePoints({ step: [], epoch: [], lr: [], loss: [], time: [], expectedLr: [] })).toEqual([]);
  });
});
