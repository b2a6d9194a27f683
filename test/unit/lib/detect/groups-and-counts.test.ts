// Every param group is checked from its own starting LR; with the scheduler's own counter on the
// points, the LR at that count and the count's cadence are checked apart.
import { describe, expect, it } from 'vitest';
import { createDetector, detect, type LoggedPoint } from '@/lib/detect';
import { scalesWithGroups } from '@/lib/detect/proportional';
import { logged, schedule } from './runs';

const linear = schedule({ name: 'linear', params: { num_warmup_steps: 20, num_training_steps: 400 }, baseLr: 1e-4 });
const withGroups = (points: LoggedPoint[], group: (p: LoggedPoint) => number[]) => points.map((p) => ({ ...p, lrs: [p.lr!, ...group(p)] }));

describe('param groups', () => {
  it('accepts differential LRs, each group following the schedule from its own start', () => {
    const points = withGroups(logged(linear, 400, (t) => t), (p) => [p.lr! * 10, p.lr! * 0.5]);
    expect(detect({ schedule: linear, points }).kind).toBe('ok');
  });

  it('accepts groups printed with fewer digits than group 0', () => {
    const points = withGroups(logged(linear, 400, (t) => t, { digits: 6 }), (p) => [Number((p.lr! * 10).toPrecision(3))]);
    expect(detect({ schedule: linear, points }).kind).toBe('ok');
  });

  it('flags a group that ignores the schedule and names it', () => {
    const points = withGroups(logged(linear, 400, (t) => t), (p) => [p.lr! * 10, 1e-3]);
    const v = detect({ schedule: linear, points });
    expect(v.flagged).toBe(true);
    expect(v.causes).toEqual(['stuck']);
    expect(v.message).toMatch(/^Param group 2's LR is stuck at 1e-3: from step 2/);
    expect(v.fix).toMatch(/add_param_group/);
  });

  it('flags a group that moves off its ratio, as a mismatch', () => {
    const points = withGroups(logged(linear, 400, (t) => t), (p) => [p.step < 200 ? p.lr! * 10 : p.lr! * 5]);
    const v = detect({ schedule: linear, points });
    expect(v.causes).toEqual(['mismatch']);
    expect(v.firstBadStep).toBe(200);
  });

  it('leaves groups unchecked where the schedule does not scale with η0 (an absolute floor, per-group lists)', () => {
    const floor = schedule({ name: 'CosineAnnealingLR', params: { T_max: 100, eta_min: 1e-3 }, interval: 'step', baseLr: 0.1 });
    expect(scalesWithGroups(floor)).toBe(false);
    expect(scalesWithGroups(schedule({ name: 'OneCycleLR', params: { max_lr: [0.1, 0.01], total_steps: 100 } }))).toBe(false);
    expect(scalesWithGroups(schedule({ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 100 } }))).toBe(true);
    expect(scalesWithGroups(schedule({ name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 1e-3], [10, 1e-4]] } }))).toBe(true);
    expect(scalesWithGroups(linear)).toBe(true);
    // A second group with its own η0 under eta_min: not proportional to group 0, and correct.
    const points = logged(floor, 200, (t) => t).map((p) => ({ ...p, lrs: [p.lr!, 1e-3 + ((0.01 - 1e-3) * (1 + Math.cos((Math.PI * p.step) / 100))) / 2] }));
    expect(detect({ schedule: floor, points }).kind).toBe('ok');
  });

  it('checks every group incrementally, batch by batch', () => {
    const points = withGroups(logged(linear, 400, (t) => t), (p) => [p.lr! * 10, p.step < 300 ? p.lr! * 2 : 7e-5]);
    const d = createDetector({ schedule: linear });
    for (let i = 0; i < points.length; i += 50) d.add(points.slice(i, i + 50));
    expect(d.verdict()).toEqual(detect({ schedule: linear, points }));
    expect(d.verdict().firstBadStep).toBe(300);
  });
});

describe("the scheduler's own count", () => {
  const step = schedule({ name: 'StepLR', params: { step_size: 100, gamma: 0.5 }, interval: 'step', baseLr: 0.1 });
  /** Points whose schedulerStep is count(s) and LR the schedule's at lrN(s). */
  const counted = (n: number, count: (s: number) => number, lrN = count) => logged(step, n, lrN).map((p) => ({ ...p, schedulerStep: count(p.step) }));

  it('passes a run whose count runs a little ahead of the optimizer (skipped optimizer steps), stating it', () => {
    const ahead = (s: number) => s + Math.min(5, s) + (s >= 200 ? 1 : 0);
    const v = detect({ schedule: step, points: counted(400, ahead) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/The scheduler is 6 steps ahead of the optimizer/);
  });

  it('flags an LR that is not the schedule at the scheduler\'s own count as overridden', () => {
    const v = detect({ schedule: step, points: counted(400, (s) => s, (s) => Math.min(s, 150)) });
    expect(v.causes).toEqual(['overridden', 'stuck']);
    expect(v.firstBadStep).toBe(200);
  });

  it('names the cadence from the count: once per epoch for a step schedule', () => {
    const points = counted(400, (s) => Math.floor(s / 20)).map((p) => ({ ...p, epoch: Math.floor(p.step / 20) }));
    const v = detect({ schedule: step, stepsPerEpoch: 20, points });
    expect(v.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(v.firstBadStep).toBe(100);
  });

  it('names the cadence from the count: k times per optimizer step', () => {
    const v = detect({ schedule: step, points: counted(400, (s) => 3 * s) });
    expect(v.causes).toEqual(['stepped_too_often']);
    expect(v.message).toMatch(/3× per optimizer step/);
  });

  it('names the cadence from the count: never advanced', () => {
    const v = detect({ schedule: step, points: counted(400, () => 0) });
    expect(v.causes).toEqual(['never_stepped', 'stuck']);
  });

  it('names the cadence from the count: back to zero at a resume', () => {
    const v = detect({ schedule: step, points: counted(400, (s) => (s < 250 ? s : s - 250)) });
    expect(v.causes).toEqual(['restarted']);
    expect(v.message).toMatch(/at step 250/);
  });

  it('warns, without flagging, while a count off its cadence has not changed the LR yet', () => {
    const v = detect({ schedule: step, stepsPerEpoch: 20, points: counted(90, (s) => Math.floor(s / 20)) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/The scheduler's own count \(\d+ at step \d+\) does not advance per step/);
  });

  it('reads an epoch count from a declared stepsPerEpoch that is a few batches off (drop_last)', () => {
    const epochs = schedule({ name: 'MultiStepLR', params: { milestones: [3, 6], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 });
    const points = logged(epochs, 190, (s) => Math.floor(s / 19)).map((p) => ({ ...p, schedulerStep: Math.floor(p.step / 19) }));
    expect(detect({ schedule: epochs, stepsPerEpoch: 20, points }).kind).toBe('ok');
  });
});
