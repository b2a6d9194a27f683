// A log checked against the preview in the browser: the detector's verdict against the schedule as
// written, and the logged LR bucketed for the chart.
import { describe, expect, it } from 'vitest';
import { buildPreview, checkLog, type PreviewOk, PRESETS } from '@/lib/preview';

const coqui = buildPreview({ framework: 'coqui', config: JSON.stringify(PRESETS[0].config), stepsPerEpoch: '500', epochs: '100' }) as PreviewOk;

describe('checkLog', () => {
  it('flags the Coqui story: the LR stuck at 5e-4 because the scheduler is stepped per epoch', () => {
    const points = Array.from({ length: 1400 }, (_, i) => ({ step: i * 10, epoch: Math.floor((i * 10) / 500), lr: 5e-4 }));
    const c = checkLog(coqui, points);
    expect(c.verdict.flagged).toBe(true);
    expect(c.verdict.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(c.verdict.firstBadStep).toBe(10_000);
    expect(c.verdict.message).toContain('scheduler_after_epoch=False');
    expect(c.points).toBe(1400);
    expect(c.lastStep).toBe(13_990);
    expect(c.curve).toHaveLength(1400);
  });

  it('passes a log that follows the schedule, and buckets a long one to ≤ 2,000 points', () => {
    const lr = (s: number) => (s < 10_000 ? 5e-4 : s < 20_000 ? 4e-4 : s < 40_000 ? 3e-4 : 2e-4);
    const points = Array.from({ length: 50_000 }, (_, s) => ({ step: s, lr: lr(s), loss: 1 }));
    const c = checkLog(coqui, points);
    expect(c.verdict.kind).toBe('ok');
    expect(c.curve.length).toBeLessThanOrEqual(2000);
    const i = c.curve.findIndex((b) => b.step === 10_000);
    expect(c.curve[i - 1]).toMatchObject({ min: 5e-4, max: 5e-4 });
    expect(c.curve[i]).toMatchObject({ min: 4e-4, max: 4e-4 });
  });

  it('ignores points without an LR', () => {
    const c = checkLog(coqui, [{ step: 0, loss: 1 }, { step: 5, lr: 5e-4 }]);
    expect(c.points).toBe(1);
    expect(c.verdict.kind).toBe('ok');
  });
});
