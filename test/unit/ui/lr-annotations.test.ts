import { describe, expect, it } from 'vitest';
import type { AxisMaps } from '@/lib/ui/axes';
import { lrAnnotations } from '@/lib/ui/lr-annotations';
import type { Verdict } from '@/lib/verdict';

const maps: AxisMaps = { epoch: { steps: [0, 100], values: [0, 1] }, time: { steps: [], values: [] } };
const b = (step: number, value: number) => ({ step, value, min: value, max: value });
const expected = [b(0, 1), b(10, 0.5), b(20, 0.25), b(30, 0.25)];
const stuck = [b(0, 1), b(10, 1), b(20, 1), b(30, 0.25)];
const flagged: Verdict = { kind: 'flagged', flagged: true, causes: ['stuck'], message: 'stuck', firstBadStep: 10, warnings: [] };

describe('lrAnnotations', () => {
  it('shades where the LR leaves the schedule and marks the first bad step, in the chart’s x units', () => {
    expect(lrAnnotations(flagged, stuck, expected, 'step', maps)).toEqual({ boxes: [{ from: 10, to: 30, label: 'LR off schedule' }], lines: [{ x: 10, label: 'first bad step 10' }] });
    expect(lrAnnotations(flagged, stuck, expected, 'epoch', maps)).toEqual({ boxes: [{ from: 0.1, to: 0.3, label: 'LR off schedule' }], lines: [{ x: 0.1, label: 'first bad step 10' }] });
  });
  it('marks nothing on a verdict that is not flagged, or on none', () => {
    const empty = { lines: [], boxes: [] };
    expect(lrAnnotations({ ...flagged, kind: 'ok', flagged: false }, stuck, expected, 'step', maps)).toEqual(empty);
    expect(lrAnnotations(undefined, stuck, expected, 'step', maps)).toEqual(empty);
  });
});
