import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDetector, detect, type LoggedPoint } from '@/lib/detect';
import { compileSchedule, parseSchedule } from '@/lib/schedules';
import { logged, schedule } from './runs';

const COQUI = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' as const };
const steps = (s: number) => s;

describe('correct runs are never flagged', () => {
  it('accepts an epoch schedule stepped once per epoch', () => {
    const s = schedule({ name: 'MultiStepLR', params: { milestones: [3, 6], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 });
    const v = detect({ schedule: s, stepsPerEpoch: 100, points: logged(s, 1000, (t) => Math.floor(t / 100)) });
    expect(v.kind).toBe('ok');
    expect(v.flagged).toBe(false);
    expect(v.message).toMatch(/follows MultiStepLR/);
  });

  it('accepts the epoch from the points when stepsPerEpoch is not given', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 2, gamma: 0.5 }, interval: 'epoch', baseLr: 1 });
    const v = detect({ schedule: s, points: logged(s, 1000, (t) => Math.floor(t / 50), { stepsPerEpoch: 50 }) });
    expect(v.kind).toBe('ok');
  });

  it.each([
    ['CosineAnnealingWarmRestarts', { T_0: 50, T_mult: 2 }],
    ['CyclicLR', { base_lr: 0.001, max_lr: 0.01, step_size_up: 20, mode: 'triangular2' }],
    ['OneCycleLR', { max_lr: 0.01, total_steps: 400 }],
    ['CosineAnnealingLR', { T_max: 100 }],
  ])('accepts the legitimate jumps of %s', (name, params) => {
    const s = schedule({ name, params, interval: 'step', baseLr: 0.01 });
    expect(detect({ schedule: s, points: logged(s, 400, steps) }).kind).toBe('ok');
  });

  it('accepts Hugging Face linear warm-up from zero', () => {
    const s = schedule({ name: 'linear', params: { num_warmup_steps: 100, num_training_steps: 1000 }, baseLr: 3e-4 });
    expect(detect({ schedule: s, points: logged(s, 1000, steps) }).kind).toBe('ok');
  });

  it('accepts LRs printed with 4 significant digits and sampled every 50 steps', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.999 }, interval: 'step', baseLr: 1e-3 });
    expect(detect({ schedule: s, points: logged(s, 5000, steps, { every: 50, digits: 4 }) }).kind).toBe('ok');
  });

  it('treats an LR one step ahead of the schedule as a warning, not a failure', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.9 }, interval: 'step', baseLr: 1 });
    const v = detect({ schedule: s, points: logged(s, 50, (t) => t + 1).slice(1) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/one step ahead/);
  });

  it('checks the shape when the spec baseLr differs from the logged LR, and warns', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 50, gamma: 0.5 }, interval: 'step', baseLr: 1e-3 });
    const points = logged(s, 300, steps).map((p) => ({ ...p, lr: p.lr! * 2 }));
    const v = detect({ schedule: s, points });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/2× what the schedule gives/);
  });

  it('never flags a partial run whose schedule has not asked for a change yet', () => {
    const s = schedule(COQUI);
    const v = detect({ schedule: s, stepsPerEpoch: 500, points: logged(s, 9_999, () => 0) });
    expect(v.kind).toBe('ok');
    expect(v.message).toMatch(/first comes at step 10,000/);
  });

  it('uses lrs[0] when lr is missing and ignores points without an LR', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 10, gamma: 0.5 }, interval: 'step', baseLr: 1 });
    const points: LoggedPoint[] = logged(s, 40, steps).map((p) => ({ step: p.step, lrs: [p.lr!, p.lr! / 10] }));
    points.push({ step: 41, loss: 1.2 });
    const d = createDetector({ schedule: s });
    d.add(points);
    expect(d.verdict().kind).toBe('ok');
    expect(d.size).toBe(40);
  });
});

describe('the Coqui case: a step schedule stepped once per epoch', () => {
  const s = schedule(COQUI);
  const perEpoch = (t: number) => Math.floor(t / 500);

  it('flags stepped_per_epoch and stuck at step 10,000 with expected and actual', () => {
    const v = detect({ schedule: s, stepsPerEpoch: 500, points: logged(s, 12_000, perEpoch) });
    expect(v.flagged).toBe(true);
    expect(v.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(v.firstBadStep).toBe(10_000);
    expect(v.expected).toBeCloseTo(4e-4, 12);
    expect(v.actual).toBeCloseTo(5e-4, 12);
    expect(v.message).toMatch(/stuck at 5e-4/);
    expect(v.message).toMatch(/scheduler_after_epoch=False/);
  });

  it('flags as soon as the evidence allows when fed live, batch by batch', () => {
    const d = createDetector({ schedule: s, stepsPerEpoch: 500 });
    const points = logged(s, 12_000, perEpoch);
    let flaggedAt: number | undefined;
    for (let i = 0; i < points.length; i += 100) {
      d.add(points.slice(i, i + 100));
      const v = d.verdict();
      if (v.flagged && flaggedAt === undefined) flaggedAt = points[Math.min(i + 99, points.length - 1)].step;
      if (flaggedAt === undefined) expect(v.kind).toBe('ok');
    }
    expect(flaggedAt).toBe(10_099);
  });

  it('flags without stepsPerEpoch, from the schedule being Coqui\'s', () => {
    const v = detect({ schedule: s, points: logged(s, 12_000, perEpoch, { every: 100 }) });
    expect(v.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(v.firstBadStep).toBe(10_000);
  });

  it('cites the cadence the client observed', () => {
    const v = detect({ schedule: s, cadence: { optimizerSteps: 12_000, schedulerSteps: 24, medianGap: 500 }, points: logged(s, 12_000, perEpoch) });
    expect(v.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(v.message).toMatch(/ran once every 500 optimizer steps/);
  });

  it('warns before the first threshold when the cadence shows it will never be reached in time', () => {
    const v = detect({ schedule: s, cadence: { optimizerSteps: 3000, schedulerSteps: 6, medianGap: 500 }, points: logged(s, 3000, perEpoch) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/would come at optimizer step 5,000,000/);
  });
});

describe('each failure mode gets its cause', () => {
  it('never_stepped: flat at the starting LR', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.99 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, points: logged(s, 200, () => 0) });
    expect(v.causes).toEqual(['never_stepped', 'stuck']);
    expect(v.firstBadStep).toBeGreaterThan(0);
    expect(v.message).toMatch(/scheduler.step\(\) never seems to run/);
  });

  it('never_stepped: the client saw no scheduler.step() call', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 100, gamma: 0.1 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, cadence: { optimizerSteps: 300, schedulerSteps: 0 }, points: logged(s, 300, () => 0) });
    expect(v.causes).toEqual(['never_stepped', 'stuck']);
    expect(v.firstBadStep).toBe(100);
    expect(v.message).toMatch(/no call in 300 optimizer steps/);
  });

  it('stepped_per_epoch: a moving step schedule advanced once per epoch', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.9 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, stepsPerEpoch: 10, points: logged(s, 200, (t) => Math.floor(t / 10)) });
    expect(v.causes).toEqual(['stepped_per_epoch']);
    expect(v.firstBadStep).toBe(1);
  });

  it('stepped_per_step: an epoch schedule advanced after every batch', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 2, gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 });
    const v = detect({ schedule: s, stepsPerEpoch: 100, points: logged(s, 300, steps) });
    expect(v.causes).toEqual(['stepped_per_step']);
    expect(v.firstBadStep).toBe(2);
    expect(v.message).toMatch(/100× too fast/);
  });

  it('stepped_too_often with a warm-up from zero, where 4× the steps looks like 4× the LR', () => {
    const s = schedule({ name: 'linear', params: { num_warmup_steps: 2400, num_training_steps: 24_000 }, baseLr: 2e-4 });
    const v = detect({ schedule: s, points: logged(s, 3000, (t) => 4 * t, { every: 10 }) });
    expect(v.causes).toEqual(['stepped_too_often']);
    expect(v.warnings.join(' ')).not.toMatch(/what the schedule gives/);
  });

  it('prints expected and actual with enough digits to tell them apart', () => {
    const s = schedule({ name: 'linear', params: { num_warmup_steps: 0, num_training_steps: 24_000 }, baseLr: 2e-4 });
    const v = detect({ schedule: s, points: logged(s, 100, (t) => 4 * t + 3) });
    const [, expected, actual] = /asks for (\S+), the run uses (\S+)\./.exec(v.message)!;
    expect(expected).not.toBe(actual);
    expect(expected).toBe('2e-4');
    expect(actual).toBe('1.9997e-4');
  });

  it.each([2, 4, 8])('stepped_too_often: %i× per optimizer step (gradient accumulation)', (k) => {
    const s = schedule({ name: 'CosineAnnealingLR', params: { T_max: 4000 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, points: logged(s, 400, (t) => k * t + k - 1) });
    expect(v.causes).toEqual(['stepped_too_often']);
    expect(v.message).toContain(`${k}× per optimizer step`);
  });

  it('restarted: a scheduler re-created every epoch', () => {
    const s = schedule({ name: 'LinearLR', params: { start_factor: 0.1, total_iters: 300 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, stepsPerEpoch: 100, points: logged(s, 500, (t) => t % 100) });
    expect(v.causes).toEqual(['restarted']);
    expect(v.firstBadStep).toBe(100);
    expect(v.message).toMatch(/every epoch/);
  });

  it('restarted: a resume without the scheduler state', () => {
    const s = schedule({ name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 2000 }, interval: 'step' });
    const v = detect({ schedule: s, points: logged(s, 1500, (t) => (t < 700 ? t : t - 700), { every: 10 }) });
    expect(v.causes).toEqual(['restarted']);
    expect(v.firstBadStep).toBe(700);
    expect(v.message).toMatch(/starts over at step 700/);
  });

  it('overridden: the LR pinned by hand mid-run', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.99 }, interval: 'step', baseLr: 0.1 });
    const points = logged(s, 400, steps).map((p) => (p.step >= 150 ? { ...p, lr: 1e-5 } : p));
    const v = detect({ schedule: s, points });
    expect(v.causes).toEqual(['overridden', 'stuck']);
    expect(v.firstBadStep).toBe(150);
    expect(v.actual).toBe(1e-5);
  });

  it('overridden: set once by hand, the chainable schedule carrying on from there', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.99 }, interval: 'step', baseLr: 0.1 });
    const points = logged(s, 400, steps).map((p) => (p.step >= 150 ? { ...p, lr: p.lr! * 0.3 } : p));
    const v = detect({ schedule: s, points });
    expect(v.causes).toEqual(['overridden']);
    expect(v.message).toMatch(/set by hand at step 150/);
  });

  it('mismatch: an LR no hypothesis explains', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 50, gamma: 0.5 }, interval: 'step', baseLr: 0.1 });
    const points = Array.from({ length: 200 }, (_, i) => ({ step: i, lr: 0.1 * (1 + 0.5 * Math.sin(i / 7)) }));
    const v = detect({ schedule: s, points });
    expect(v.causes).toEqual(['mismatch']);
  });

  it('uses a tight tolerance for exact doubles and a loose one for printed values', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.9999 }, interval: 'step', baseLr: 0.1 });
    // 1e-5 relative drift: invisible at 4 printed digits, real in exact doubles.
    const drift = logged(s, 500, steps).map((p) => ({ ...p, lr: p.lr! * (1 + 1e-5 * (p.step > 200 ? 1 : 0)) }));
    expect(detect({ schedule: s, points: drift }).flagged).toBe(true);
    const printed = drift.map((p) => ({ ...p, lr: Number(p.lr.toPrecision(4)) }));
    expect(detect({ schedule: s, points: printed }).flagged).toBe(false);
  });
});

describe('what cannot be checked is never flagged', () => {
  it('is unverifiable for ReduceLROnPlateau whatever the LR does', () => {
    const s = compileSchedule(parseSchedule({ name: 'ReduceLROnPlateau', params: {}, baseLr: 0.1 }));
    const v = detect({ schedule: s, points: [{ step: 0, lr: 0.1 }, { step: 1, lr: 0.5 }] });
    expect(v).toMatchObject({ kind: 'unverifiable', flagged: false, unverifiable: true });
  });

  it('asks for stepsPerEpoch when an epoch schedule has no epoch clock', () => {
    const s = schedule({ name: 'MultiStepLR', params: { milestones: [1] }, interval: 'epoch', baseLr: 0.1 });
    const v = detect({ schedule: s, points: [{ step: 0, lr: 0.1 }, { step: 5000, lr: 0.1 }] });
    expect(v.kind).toBe('unverifiable');
    expect(v.message).toMatch(/stepsPerEpoch/);
  });

  it('says it is waiting when there are no points', () => {
    const s = schedule(COQUI);
    expect(detect({ schedule: s, points: [] }).kind).toBe('unknown');
  });
});

describe('plausibility of the plan', () => {
  it('warns when milestones lie beyond the planned epochs', () => {
    const s = schedule({ name: 'MultiStepLR', params: { milestones: [60, 80], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 });
    const v = detect({ schedule: s, stepsPerEpoch: 100, plannedSteps: 5000, points: logged(s, 100, () => 0) });
    expect(v.warnings.join(' ')).toMatch(/after 60 epochs, but the run is planned for 50 epochs/);
  });

  it('warns when a step-based schedule is declared as stepped per epoch', () => {
    const s = schedule({ ...COQUI, interval: 'epoch' });
    const v = detect({ schedule: s, stepsPerEpoch: 500, points: logged(s, 100, () => 0) });
    expect(v.warnings.join(' ')).toMatch(/needs 10,000 epochs/);
  });

  it('warns about scheduler.step() before optimizer.step()', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 10 }, interval: 'step', baseLr: 0.1 });
    const v = detect({ schedule: s, cadence: { optimizerSteps: 5, schedulerSteps: 5, medianGap: 1, beforeOptimizerStep: true }, points: logged(s, 5, steps) });
    expect(v.warnings.join(' ')).toMatch(/before optimizer.step\(\)/);
  });
});

describe('incremental evaluation', () => {
  const s = schedule(COQUI);
  const points = logged(s, 12_000, (t) => Math.floor(t / 500), { every: 7 });
  const whole = detect({ schedule: s, stepsPerEpoch: 500, points });

  it('gives the one-shot verdict whatever the batching and order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }), fc.boolean(), (sizes, shuffle) => {
        const d = createDetector({ schedule: s, stepsPerEpoch: 500 });
        const batches: LoggedPoint[][] = [];
        for (let i = 0, k = 0; i < points.length; k++) {
          const size = sizes[k % sizes.length];
          batches.push(points.slice(i, i + size));
          i += size;
        }
        if (shuffle) batches.reverse();
        for (const b of batches) {
          d.add(b);
          d.verdict();
        }
        expect(d.verdict()).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the last value sent for a repeated step', () => {
    const d = createDetector({ schedule: s, stepsPerEpoch: 500 });
    d.add(points);
    d.add([{ step: 0, lr: 5e-4 }]);
    expect(d.verdict()).toEqual(whole);
  });
});
