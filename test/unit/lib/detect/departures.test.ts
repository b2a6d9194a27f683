// Correct training departs from the spec in harmless ways, each a warning and never a flag; the
// same allowances stop short of hiding a real failure.
import { describe, expect, it } from 'vitest';
import { createDetector, detect, type LoggedPoint } from '@/lib/detect';
import { maxDrift } from '@/lib/detect/intended';
import { logged, schedule } from './runs';

const cosine = schedule({ name: 'CosineAnnealingLR', params: { T_max: 2000 }, interval: 'step', baseLr: 0.1 });

/** The LR at optimizer step s when scheduler.step() ran at `skipped` extra iterations before it. */
function skipping(skips: number[]) {
  return (s: number) => s + skips.filter((k) => k <= s).length;
}

describe('skipped optimizer steps (GradScaler)', () => {
  it('tolerates a burst at the start and a few later, stating the offset', () => {
    const v = detect({ schedule: cosine, points: logged(cosine, 2000, skipping([0, 0, 0, 0, 0, 0, 0, 0, 500, 1500])) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/The scheduler is 10 steps ahead of the optimizer \(since step 1,500\).*GradScaler/);
    // Each later skip grows the offset by one: that is not an LR read off by one.
    expect(v.warnings.join(' ')).not.toMatch(/one step ahead/);
  });

  it('tolerates the scheduler falling behind, as trainers that skip scheduler.step() with the optimizer step do', () => {
    const v = detect({ schedule: cosine, points: logged(cosine, 2000, (s) => s - Math.min(6, Math.floor(s / 300))) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/6 steps behind the optimizer/);
  });

  it('tolerates only a small offset: one that grows every step is a failure', () => {
    expect(maxDrift(0, 1)).toBe(16);
    expect(maxDrift(10_000, 1)).toBe(26);
    expect(maxDrift(10_000, -1)).toBe(18);
    const stuck = detect({ schedule: cosine, points: logged(cosine, 2000, (s) => Math.min(s, 1000)) });
    expect(stuck.flagged).toBe(true);
    expect(stuck.firstBadStep).toBe(1001);
    const twice = detect({ schedule: cosine, points: logged(cosine, 400, (s) => 2 * s) });
    expect(twice.causes).toEqual(['stepped_too_often']);
    expect(twice.firstBadStep).toBe(1);
  });
});

describe('a constant LR scale', () => {
  it.each([
    ['CosineAnnealingLR', { T_max: 500 }, 'step'],
    ['OneCycleLR', { max_lr: 0.1, total_steps: 500 }, 'step'],
    ['linear', { num_warmup_steps: 50, num_training_steps: 500 }, undefined],
    ['ExponentialLR', { gamma: 0.99 }, 'step'],
  ])('is a baseLr warning on %s, whatever its shape', (name, params, interval) => {
    const s = schedule({ name, params, interval, baseLr: 0.01 });
    const v = detect({ schedule: s, points: logged(s, 500, (t) => t).map((p) => ({ ...p, lr: p.lr! * 8 })) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/8× what the schedule gives for baseLr 0\.01.*set baseLr to 0\.08/);
  });

  it('is tolerated with an LR read one step ahead (Hugging Face logs after scheduler.step())', () => {
    const v = detect({ schedule: cosine, points: logged(cosine, 500, (t) => t + 1).map((p) => ({ ...p, lr: p.lr! * 4 })) });
    expect(v.kind).toBe('ok');
    expect(v.warnings.join(' ')).toMatch(/4× what the schedule gives/);
    expect(v.warnings.join(' ')).toMatch(/one step ahead/);
  });

  it('is not a way out for an LR that breaks later: the flag is where it broke', () => {
    const points = logged(cosine, 600, (t) => t).map((p) => ({ ...p, lr: p.step >= 300 ? 0.2 : p.lr! * 4 }));
    const v = detect({ schedule: cosine, points });
    expect(v.causes).toEqual(['overridden', 'stuck']);
    expect(v.firstBadStep).toBe(300);
  });
});

describe('the epoch clock', () => {
  const multistep = schedule({ name: 'MultiStepLR', params: { milestones: [2, 4], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 });

  it('takes the boundaries from the logged epochs when the declared stepsPerEpoch is a few batches off', () => {
    const points = logged(multistep, 570, (t) => Math.floor(t / 95), { stepsPerEpoch: 95 });
    expect(detect({ schedule: multistep, stepsPerEpoch: 100, points }).kind).toBe('ok');
  });

  it('takes fractional epochs logged after each step (Hugging Face) as the epoch they end', () => {
    const points = logged(multistep, 600, (t) => Math.floor(t / 100)).map((p) => ({ ...p, epoch: (p.step + 1) / 100 }));
    expect(detect({ schedule: multistep, stepsPerEpoch: 100, points }).kind).toBe('ok');
  });

  it('follows scheduler.step(epoch + i / iters) on CosineAnnealingWarmRestarts, and nothing else', () => {
    const spec = { name: 'CosineAnnealingWarmRestarts', params: { T_0: 2, T_mult: 2 }, interval: 'epoch' as const, baseLr: 0.1 };
    const s = schedule(spec);
    const points: LoggedPoint[] = Array.from({ length: 700 }, (_, i) => ({ step: i, epoch: i / 100, lr: s.lrAtEpoch!(i / 100) }));
    expect(detect({ schedule: s, points }).kind).toBe('ok');
    const floored = points.map((p) => ({ ...p, lr: s.lrAt(p.epoch!) }));
    expect(detect({ schedule: s, points: floored }).kind).toBe('ok');
    // StepLR has no fractional form in PyTorch: a fractional clock is not tried.
    const step = schedule({ name: 'StepLR', params: { step_size: 2, gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 });
    expect(step.lrAtEpoch).toBeUndefined();
  });

  it('reads frequency: stepped every k intervals', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 3, gamma: 0.5 }, interval: 'step', frequency: 4, baseLr: 0.1 });
    expect(detect({ schedule: s, points: logged(s, 200, (t) => Math.floor(t / 4)) }).kind).toBe('ok');
    const observed = detect({ schedule: s, cadence: { optimizerSteps: 200, schedulerSteps: 50, medianGap: 4 }, points: logged(s, 200, (t) => Math.floor(t / 4)) });
    expect(observed.kind).toBe('ok');
    expect(observed.warnings).toEqual([]);
    const rarer = detect({ schedule: s, cadence: { optimizerSteps: 200, schedulerSteps: 10, medianGap: 20 }, points: logged(s, 200, (t) => Math.floor(t / 20)) });
    expect(rarer.warnings.join(' ')).toMatch(/expects one call every 4 optimizer steps/);
    const v = detect({ schedule: s, points: logged(s, 200, (t) => t) });
    expect(v.flagged).toBe(true);
    expect(v.firstBadStep).toBe(3);
  });
});

describe('causes by parsimony', () => {
  it('restarted needs few restarts at plausible places, not one at every point', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.9 }, interval: 'step', baseLr: 1 });
    // The LR jumps around the schedule's values: each point "restarts" it somewhere new.
    const points = Array.from({ length: 60 }, (_, step) => ({ step, lr: s.lrAt((step * 7) % 11) }));
    expect(detect({ schedule: s, points }).causes[0]).not.toBe('restarted');
  });

  it('a barely moving LR that changes exactly at epoch boundaries is stepped_per_epoch, not never_stepped', () => {
    const s = schedule({ name: 'ExponentialLR', params: { gamma: 0.99995 }, interval: 'step', baseLr: 0.1 });
    const points = logged(s, 2000, (t) => Math.floor(t / 200), { digits: 4, stepsPerEpoch: 200 });
    const v = detect({ schedule: s, stepsPerEpoch: 200, points });
    expect(v.causes[0]).toBe('stepped_per_epoch');
  });

  it('an LR pinned at a value the schedule passes is overridden', () => {
    const points = logged(cosine, 1500, (t) => t).map((p) => ({ ...p, lr: Math.max(p.lr!, 0.03) }));
    const v = detect({ schedule: cosine, points });
    expect(v.causes).toEqual(['overridden', 'stuck']);
    expect(v.actual).toBe(0.03);
  });
});

describe('incremental evaluation with the allowances', () => {
  it('gives the one-shot verdict batch by batch, with skipped steps and a scale', () => {
    const points = logged(cosine, 2000, skipping([0, 0, 0, 700])).map((p) => ({ ...p, lr: p.lr! * 2 }));
    const d = createDetector({ schedule: cosine });
    for (let i = 0; i < points.length; i += 37) d.add(points.slice(i, i + 37));
    expect(d.verdict()).toEqual(detect({ schedule: cosine, points }));
    expect(d.verdict().kind).toBe('ok');
  });
});
