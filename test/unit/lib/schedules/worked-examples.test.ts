// The worked examples and formulas of docs/schedules.md and the Coqui story of docs/architecture.md, as
// written there (printed values compared to their printed precision).
import { describe, expect, it } from 'vitest';
import { compileSchedule, parseSchedule, type VerifiableSchedule } from '@/lib/schedules';

function schedule(spec: unknown): VerifiableSchedule {
  const s = compileSchedule(parseSchedule(spec));
  if (!s.verifiable) throw new Error(`not verifiable: ${s.reason}`);
  return s;
}

const first = (s: VerifiableSchedule, count: number) => Array.from({ length: count }, (_, n) => s.lrAt(n));

/** Each value equal to the printed one to the digits printed (relative 1e-3), or exactly when printed exactly. */
function expectPrinted(actual: number[], printed: number[]): void {
  expect(actual).toHaveLength(printed.length);
  actual.forEach((v, i) => expect(Math.abs(v - printed[i]), `n=${i}: ${v} vs ${printed[i]}`).toBeLessThanOrEqual(1e-3 * Math.abs(printed[i]) + 1e-15));
}

describe('docs/schedules.md worked examples', () => {
  it('OneCycleLR, max_lr 0.01, T=10: 0.0004, 0.0052, 0.01, 0.009505, 0.008117, …, 0.000495, ~0', () => {
    const s = schedule({ name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 10 } });
    expectPrinted(first(s, 5), [0.0004, 0.0052, 0.01, 0.009505, 0.008117]);
    expectPrinted([s.lrAt(8)], [0.000495]);
    expect(s.lrAt(9)).toBeGreaterThan(0);
    expect(s.lrAt(9)).toBeLessThan(1e-6);
  });

  it('CyclicLR base .1, max 1, up 2, triangular2: .1 .55 1 .55 .1 .325 .55 .325 .1 .2125', () => {
    const s = schedule({ name: 'CyclicLR', params: { base_lr: 0.1, max_lr: 1, step_size_up: 2, mode: 'triangular2' } });
    expectPrinted(first(s, 10), [0.1, 0.55, 1, 0.55, 0.1, 0.325, 0.55, 0.325, 0.1, 0.2125]);
  });

  it('MultiStepLR milestones are a multiset: [2,2,4], γ=.5 gives 1, 1, .25, .25, .125', () => {
    expect(first(schedule({ name: 'MultiStepLR', params: { milestones: [2, 2, 4], gamma: 0.5 }, baseLr: 1 }), 5)).toEqual([1, 1, 0.25, 0.25, 0.125]);
  });

  it('SequentialLR ConstantLR(0.1, 2) → ExponentialLR(0.9) at milestone 2: 0.1, 0.1, 1.0, 0.9, 0.81 (not the docstring’s 0.9 at n=2)', () => {
    const s = schedule({
      name: 'SequentialLR',
      params: { schedulers: [{ name: 'ConstantLR', params: { factor: 0.1, total_iters: 2 } }, { name: 'ExponentialLR', params: { gamma: 0.9 } }], milestones: [2] },
      baseLr: 1,
    });
    expectPrinted(first(s, 5), [0.1, 0.1, 1.0, 0.9, 0.81]);
  });

  it('ChainedScheduler ConstantLR(0.1, 2) + ExponentialLR(0.9): 0.1, 0.09, 0.81, 0.729', () => {
    const s = schedule({ name: 'ChainedScheduler', params: { schedulers: [{ name: 'ConstantLR', params: { factor: 0.1, total_iters: 2 } }, { name: 'ExponentialLR', params: { gamma: 0.9 } }] }, baseLr: 1 });
    expectPrinted(first(s, 4), [0.1, 0.09, 0.81, 0.729]);
  });
});

describe('docs/schedules.md formulas', () => {
  const eta0 = 0.1;

  it('StepLR: η0·γ^⌊n/step_size⌋', () => {
    const s = schedule({ name: 'StepLR', params: { step_size: 3, gamma: 0.5 }, baseLr: eta0 });
    for (const n of [0, 2, 3, 5, 6, 30]) expect(s.lrAt(n)).toBeCloseTo(eta0 * 0.5 ** Math.floor(n / 3), 15);
  });

  it('ConstantLR: η0·factor before total_iters, η0 from then on', () => {
    const s = schedule({ name: 'ConstantLR', params: { factor: 0.25, total_iters: 4 }, baseLr: eta0 });
    expectPrinted(first(s, 6), [0.025, 0.025, 0.025, 0.025, 0.1, 0.1]);
  });

  it('LinearLR: η0·(sf + (ef − sf)·min(n, T)/T)', () => {
    const s = schedule({ name: 'LinearLR', params: { start_factor: 0.2, end_factor: 1, total_iters: 4 }, baseLr: eta0 });
    expectPrinted(first(s, 7), [0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1]);
  });

  it('PolynomialLR reaches 0 and stays', () => {
    const s = schedule({ name: 'PolynomialLR', params: { total_iters: 4, power: 2 }, baseLr: eta0 });
    expectPrinted(first(s, 4), [0.1, 0.1 * 0.75 ** 2, 0.1 * 0.25, 0.1 * 0.25 ** 2]);
    expect([s.lrAt(4), s.lrAt(5), s.lrAt(1000)]).toEqual([0, 0, 0]);
  });

  it('CosineAnnealingLR does not stay at eta_min past T_max: it goes back up with period 2·T_max', () => {
    const s = schedule({ name: 'CosineAnnealingLR', params: { T_max: 10, eta_min: 0.001 }, baseLr: eta0 });
    expect(s.lrAt(10)).toBeCloseTo(0.001, 12);
    expect(s.lrAt(15)).toBeCloseTo(0.001 + (eta0 - 0.001) * 0.5, 12);
    expect(s.lrAt(20)).toBeCloseTo(eta0, 12);
    for (const n of [3, 7, 12]) expect(s.lrAt(n + 20)).toBeCloseTo(s.lrAt(n), 12);
  });

  it('CosineAnnealingWarmRestarts jumps back to η0 at each restart, with T_i growing by T_mult', () => {
    const s = schedule({ name: 'CosineAnnealingWarmRestarts', params: { T_0: 2, T_mult: 2 }, baseLr: eta0 });
    // Restarts at n = 2, 2+4 = 6, 6+8 = 14.
    for (const n of [0, 2, 6, 14]) expect(s.lrAt(n)).toBe(eta0);
    expect(s.lrAt(4)).toBeCloseTo(eta0 / 2, 15);
    expect(s.lrAt(10)).toBeCloseTo(eta0 / 2, 15);
  });

  it('Hugging Face linear: warm(n) = n / W, then (T − n) / (T − W), never below 0', () => {
    const s = schedule({ name: 'linear', params: { num_warmup_steps: 4, num_training_steps: 12 }, baseLr: 1 });
    expectPrinted(first(s, 5), [0, 0.25, 0.5, 0.75, 1]);
    expect(s.lrAt(8)).toBeCloseTo(0.5, 15);
    expect([s.lrAt(12), s.lrAt(20)]).toEqual([0, 0]);
  });

  it('Hugging Face cosine_with_restarts: 0 once progress reaches 1', () => {
    const s = schedule({ name: 'cosine_with_restarts', params: { num_warmup_steps: 0, num_training_steps: 10, num_cycles: 2 }, baseLr: 1 });
    expect(s.lrAt(5)).toBe(1);
    expect(s.lrAt(10)).toBe(0);
  });

  it('Hugging Face polynomial: lr_end/η0 past num_training_steps, so the LR lands on lr_end', () => {
    const s = schedule({ name: 'polynomial', params: { num_warmup_steps: 2, num_training_steps: 10, lr_end: 1e-5 }, baseLr: 1e-3 });
    expect(s.lrAt(10)).toBeCloseTo(1e-5, 18);
    expect(s.lrAt(11)).toBeCloseTo(1e-5, 18);
    expect(s.lrAt(6)).toBeCloseTo((1e-3 - 1e-5) * 0.5 + 1e-5, 15);
  });

  it('Hugging Face inverse_sqrt: 1/√((n + timescale − W)/timescale) after warmup, timescale defaulting to W', () => {
    const s = schedule({ name: 'inverse_sqrt', params: { num_warmup_steps: 4 }, baseLr: 1 });
    expect(s.lrAt(4)).toBe(1);
    expect(s.lrAt(12)).toBeCloseTo(1 / Math.sqrt(3), 15);
    const noWarmup = schedule({ name: 'inverse_sqrt', params: { num_warmup_steps: 0 }, baseLr: 1 });
    expect(noWarmup.lrAt(30_000)).toBeCloseTo(1 / Math.sqrt(4), 15);
  });

  it('Hugging Face warmup_stable_decay: warmup, 1 while stable, decays to min_lr_ratio', () => {
    const s = schedule({ name: 'warmup_stable_decay', params: { num_warmup_steps: 2, num_stable_steps: 3, num_decay_steps: 4, decay_type: 'linear', min_lr_ratio: 0.1 }, baseLr: 1 });
    expectPrinted(first(s, 11), [0.1, 0.55, 1, 1, 1, 1, 0.775, 0.55, 0.325, 0.1, 0.1]);
  });
});

describe('Coqui', () => {
  const gradual = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' };

  it('StepwiseGradualLR: 5e-4, then 4e-4 from step 10,000, 3e-4 from 20,000 (absolute: no baseLr needed)', () => {
    const s = schedule(gradual);
    expect([s.lrAt(0), s.lrAt(9_999), s.lrAt(10_000), s.lrAt(19_999), s.lrAt(20_000), s.lrAt(1e6)]).toEqual([5e-4, 5e-4, 4e-4, 4e-4, 3e-4, 3e-4]);
  });

  it('the docs/architecture.md story: stepped once per epoch, n stays far below 10,000 and the LR never leaves 5e-4', () => {
    const s = schedule(gradual);
    const stepsPerEpoch = 500;
    const logged = new Set<number>();
    for (let step = 0; step < 100_000; step += 100) logged.add(s.lrAt(Math.floor(step / stepsPerEpoch)));
    expect(logged).toEqual(new Set([5e-4]));
    expect(s.lrAt(10_000)).not.toBe(5e-4);
  });

  it('NoamLR original: s = max(n, 1), η0·W^0.5·min(s·W^−1.5, s^−0.5); the fork is one step ahead from n = 1', () => {
    const W = 4;
    const noam = (s: number) => W ** 0.5 * Math.min(s * W ** -1.5, s ** -0.5);
    const original = schedule({ name: 'NoamLR', params: { warmup_steps: W }, baseLr: 1 });
    const fork = schedule({ name: 'NoamLR', params: { warmup_steps: W, variant: 'idiap' }, baseLr: 1 });
    expect(original.lrAt(0)).toBeCloseTo(noam(1), 15);
    expect(fork.lrAt(0)).toBeCloseTo(noam(1), 15);
    for (let n = 1; n < 12; n++) {
      expect(original.lrAt(n)).toBeCloseTo(noam(n), 15);
      expect(fork.lrAt(n)).toBeCloseTo(original.lrAt(n + 1), 15);
    }
    expect(original.lrAt(4)).toBeCloseTo(1, 15);
  });

  it('StepwiseGradualLR fork keeps the optimizer LR before its first threshold; the original reads max(n, 1)', () => {
    const fork = schedule({ name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[3, 0.2], [6, 0.1]], variant: 'idiap' }, baseLr: 0.5 });
    expect(first(fork, 7)).toEqual([0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.1]);
    const rates = [[0, 0.1], [1, 0.2], [3, 0.3]];
    expect(first(schedule({ name: 'StepwiseGradualLR', params: { gradual_learning_rates: rates } }), 4)).toEqual([0.2, 0.2, 0.2, 0.3]);
    expect(first(schedule({ name: 'StepwiseGradualLR', params: { gradual_learning_rates: rates, variant: 'idiap' } }), 4)).toEqual([0.1, 0.2, 0.2, 0.3]);
  });
});
