import { describe, expect, it } from 'vitest';
import { axisAvailable, bucketsToXY, epochMap, interpolate, invert, stepMap, stepsForX, toX } from '@/lib/ui/axes';
import { ema } from '@/lib/ui/ema';

const maps = {
  epoch: stepMap([{ step: 0, value: 0 }, { step: 100, value: 1 }, { step: 200, value: 2 }]),
  time: stepMap([{ step: 0, value: 1000 }, { step: 100, value: 1010 }, { step: 200, value: 1030 }]),
};

describe('x axes', () => {
  it('maps steps to epoch, wall time (ms) and time since start (s) by interpolation', () => {
    expect(toX('step', 150, maps)).toBe(150);
    expect(toX('epoch', 150, maps)).toBe(1.5);
    expect(toX('wall', 150, maps)).toBe(1_020_000);
    expect(toX('relative', 150, maps)).toBe(20);
  });
  it('continues along the last segment past the samples, flat before the first', () => {
    expect(interpolate(maps.epoch, 500)).toBe(5);
    expect(interpolate(maps.epoch, -5)).toBe(0);
  });
  it('gives fractional epochs for whole-number epochs', () => {
    const m = epochMap([0, 50, 99, 100, 150, 199, 200].map((step) => ({ step, value: Math.floor(step / 100) })));
    expect(m).toEqual({ steps: [0, 100, 200], values: [0, 1, 2] });
    expect(interpolate(m, 150)).toBe(1.5);
  });
  it('turns a zoomed x range back into whole steps for the next fetch', () => {
    expect(stepsForX('epoch', 0.5, 1.25, maps)).toEqual({ from: 50, to: 125 });
    expect(stepsForX('relative', 20, 10, maps)).toEqual({ from: 100, to: 150 });
    expect(stepsForX('step', 10.4, 99.2, maps)).toEqual({ from: 10, to: 100 });
    expect(invert(maps.time, 1020)).toBe(150);
  });
  it('offers epoch and time only when the run logs them', () => {
    const none = { epoch: stepMap([]), time: stepMap([]) };
    expect(axisAvailable('step', none)).toBe(true);
    expect(axisAvailable('epoch', none)).toBe(false);
    expect(axisAvailable('wall', maps)).toBe(true);
    expect(bucketsToXY([{ step: 5 }], 'epoch', none, () => 1)).toEqual([]);
  });
});

describe('ema', () => {
  it('is debiased: a constant stays constant from the first point', () => {
    const pts = Array.from({ length: 5 }, (_, x) => ({ x, y: 2 }));
    for (const p of ema(pts, 0.9)) expect(p.y).toBeCloseTo(2, 12);
  });
  it('smooths noise and lags a step change', () => {
    const pts = Array.from({ length: 20 }, (_, x) => ({ x, y: x < 10 ? 0 : 1 }));
    const out = ema(pts, 0.6);
    expect(out[10].y).toBeGreaterThan(0);
    expect(out[10].y).toBeLessThan(1);
    expect(out[19].y).toBeGreaterThan(0.95);
  });
  it('is the identity at weight 0 and skips non-finite values', () => {
    const pts = [{ x: 0, y: 1 }, { x: 1, y: Number.NaN }, { x: 2, y: 3 }];
    expect(ema(pts, 0)).toBe(pts);
    const out = ema(pts, 0.5);
    expect(Number.isNaN(out[1].y)).toBe(true);
    expect(out[2].y).toBeCloseTo((0.5 * 1 * 0.5 + 0.5 * 3) / (1 - 0.25), 12);
  });
});
