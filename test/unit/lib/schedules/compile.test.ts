// compileSchedule: verifiable or not, the cadence a schedule is written for, the last legal n,
// and lrAt's behaviour at the edges of its domain.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSchedule, parseSchedule, SCHEDULE_FAMILIES, SCHEDULE_NAMES, ScheduleSpecError, type Schedule, type VerifiableSchedule } from '@/lib/schedules';
import { ReplayedSequence, replay } from '@/lib/schedules/replay';
import type { ParamGroup } from '@/lib/schedules/torch/scheduler';

const compile = (spec: unknown): Schedule => compileSchedule(parseSchedule(spec));

function verifiable(spec: unknown): VerifiableSchedule {
  const s = compile(spec);
  if (!s.verifiable) throw new Error(`not verifiable: ${s.reason}`);
  return s;
}

/** One valid spec per registered name: a name added to the registry without one fails here. */
const EXAMPLES: Record<string, unknown> = {
  StepLR: { name: 'StepLR', params: { step_size: 30 }, baseLr: 0.1 },
  MultiStepLR: { name: 'MultiStepLR', params: { milestones: [60, 80], gamma: 0.75 }, interval: 'epoch', baseLr: 5e-4 },
  ExponentialLR: { name: 'ExponentialLR', params: { gamma: 0.95 }, baseLr: 0.1 },
  CosineAnnealingLR: { name: 'CosineAnnealingLR', params: { T_max: 100 }, baseLr: 0.1 },
  CosineAnnealingWarmRestarts: { name: 'CosineAnnealingWarmRestarts', params: { T_0: 10, T_mult: 2 }, baseLr: 0.1 },
  OneCycleLR: { name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 1000 } },
  CyclicLR: { name: 'CyclicLR', params: { base_lr: 1e-4, max_lr: 1e-3 } },
  LinearLR: { name: 'LinearLR', params: { start_factor: 0.1, total_iters: 10 }, baseLr: 0.1 },
  ConstantLR: { name: 'ConstantLR', params: {}, baseLr: 0.1 },
  PolynomialLR: { name: 'PolynomialLR', params: { total_iters: 100 }, baseLr: 0.1 },
  SequentialLR: {
    name: 'SequentialLR',
    params: { schedulers: [{ name: 'LinearLR', params: { start_factor: 0.01, total_iters: 100 } }, { name: 'CosineAnnealingLR', params: { T_max: 900 } }], milestones: [100] },
    baseLr: 3e-4,
  },
  ChainedScheduler: { name: 'ChainedScheduler', params: { schedulers: [{ name: 'ConstantLR', params: {} }, { name: 'ExponentialLR', params: { gamma: 0.9 } }] }, baseLr: 1 },
  ReduceLROnPlateau: { name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 3 }, baseLr: 1e-3 },
  LambdaLR: { name: 'LambdaLR', params: { lr_lambda: 'lambda e: 0.9 ** e' }, baseLr: 1e-3 },
  MultiplicativeLR: { name: 'MultiplicativeLR', params: {}, baseLr: 1e-3 },
  linear: { name: 'linear', params: { num_warmup_steps: 100, num_training_steps: 1000 }, baseLr: 5e-5 },
  cosine: { name: 'cosine', params: { num_warmup_steps: 100, num_training_steps: 1000 }, baseLr: 5e-5 },
  cosine_with_restarts: { name: 'cosine_with_restarts', params: { num_warmup_steps: 100, num_training_steps: 1000, num_cycles: 3 }, baseLr: 5e-5 },
  polynomial: { name: 'polynomial', params: { num_warmup_steps: 100, num_training_steps: 1000, power: 2 }, baseLr: 5e-5 },
  constant: { name: 'constant', params: {}, baseLr: 5e-5 },
  constant_with_warmup: { name: 'constant_with_warmup', params: { num_warmup_steps: 100 }, baseLr: 5e-5 },
  inverse_sqrt: { name: 'inverse_sqrt', params: { num_warmup_steps: 100 }, baseLr: 5e-5 },
  warmup_stable_decay: { name: 'warmup_stable_decay', params: { num_warmup_steps: 100, num_decay_steps: 200, num_training_steps: 1000 }, baseLr: 5e-5 },
  cosine_with_min_lr: { name: 'cosine_with_min_lr', params: { num_warmup_steps: 100, num_training_steps: 1000, min_lr: 1e-6 }, baseLr: 5e-5 },
  cosine_warmup_with_min_lr: { name: 'cosine_warmup_with_min_lr', params: { num_warmup_steps: 100, num_training_steps: 1000, min_lr_rate: 0.1 }, baseLr: 5e-5 },
  reduce_lr_on_plateau: { name: 'reduce_lr_on_plateau', params: { patience: 2 }, baseLr: 5e-5 },
  StepwiseGradualLR: { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' },
  NoamLR: { name: 'NoamLR', params: { warmup_steps: 4000 }, baseLr: 1e-3 },
};

const UNVERIFIABLE = ['ReduceLROnPlateau', 'LambdaLR', 'MultiplicativeLR', 'reduce_lr_on_plateau'];

describe('the registry', () => {
  it('knows every name docs/architecture.md lists, and nothing without an example here', () => {
    expect([...SCHEDULE_NAMES].sort()).toEqual(Object.keys(EXAMPLES).sort());
    // The docs name every scheduler the registry knows, in the contract and with its formula.
    for (const doc of ['docs/architecture.md', 'docs/schedules.md']) {
      const text = readFileSync(new URL(`../../../../${doc}`, import.meta.url), 'utf8');
      expect(SCHEDULE_NAMES.filter((n) => !new RegExp(`(^|[^A-Za-z_])${n}([^A-Za-z_]|$)`).test(text)), doc).toEqual([]);
    }
    expect(SCHEDULE_FAMILIES.coqui).toEqual(['StepwiseGradualLR', 'NoamLR']);
    expect(SCHEDULE_FAMILIES.pytorch).toContain('ChainedScheduler');
    expect(SCHEDULE_FAMILIES.huggingface).toContain('warmup_stable_decay');
  });

  it.each(Object.entries(EXAMPLES))('%s compiles, to finite positive LRs where verifiable', (name, spec) => {
    const s = compile(spec);
    expect(s.spec.name).toBe(name);
    expect(s.verifiable).toBe(!UNVERIFIABLE.includes(name));
    if (!s.verifiable) return;
    for (const n of [0, 1, 7, 99, 100, 101, 999, 1000, 5000, 25_000]) {
      const lr = s.lrAt(n);
      expect(Number.isFinite(lr) && lr >= 0, `${name} at n=${n}: ${lr}`).toBe(true);
    }
  });
});

describe('unverifiable schedules', () => {
  it.each(UNVERIFIABLE)('%s says why in words', (name) => {
    const s = compile(EXAMPLES[name]);
    if (s.verifiable) throw new Error('verifiable');
    expect(s.reason).toMatch(/cannot be predicted|cannot run/);
    expect(s.spec).toEqual(parseSchedule(EXAMPLES[name]));
  });

  it('a lambda is unverifiable, and points to the Hugging Face names', () => {
    const s = compile(EXAMPLES.LambdaLR);
    expect(s.verifiable).toBe(false);
    if (!s.verifiable) expect(s.reason).toContain('lr_scheduler_type');
  });

  it('a composite with an unverifiable child is unverifiable and names the child', () => {
    const s = compile({ name: 'SequentialLR', params: { schedulers: [{ name: 'LinearLR', params: {} }, { name: 'LambdaLR', params: {} }], milestones: [5] }, baseLr: 1 });
    expect(s.verifiable).toBe(false);
    if (!s.verifiable) expect(s.reason).toMatch(/^SequentialLR's scheduler 2 \(LambdaLR\) cannot be checked: /);
  });

  it('CyclicLR with a custom scale_fn is unverifiable', () => {
    expect(compile({ name: 'CyclicLR', params: { base_lr: 1e-4, max_lr: 1e-3, scale_fn: 'lambda x: 0.5 ** x' } }).verifiable).toBe(false);
  });
});

describe('designInterval', () => {
  it.each([
    ['StepLR', 'either'],
    ['MultiStepLR', 'either'],
    ['ExponentialLR', 'either'],
    ['CosineAnnealingLR', 'either'],
    ['CosineAnnealingWarmRestarts', 'either'],
    ['LinearLR', 'either'],
    ['ConstantLR', 'either'],
    ['PolynomialLR', 'either'],
    ['OneCycleLR', 'step'],
    ['CyclicLR', 'step'],
    ['linear', 'step'],
    ['cosine', 'step'],
    ['warmup_stable_decay', 'step'],
    ['constant', 'step'],
    ['StepwiseGradualLR', 'step'],
    ['NoamLR', 'step'],
    ['SequentialLR', 'either'],
    ['ChainedScheduler', 'either'],
  ])('%s is %s', (name, interval) => {
    expect(verifiable(EXAMPLES[name]).designInterval).toBe(interval);
  });

  it('a composite is step-by-design when any child is', () => {
    const seq = { name: 'SequentialLR', params: { schedulers: [{ name: 'LinearLR', params: {} }, { name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 100 } }], milestones: [5] }, baseLr: 0.1 };
    expect(verifiable(seq).designInterval).toBe('step');
    const chained = { name: 'ChainedScheduler', params: { schedulers: [{ name: 'ExponentialLR', params: { gamma: 0.9 } }, { name: 'constant_with_warmup', params: { num_warmup_steps: 10 } }] }, baseLr: 0.1 };
    expect(verifiable(chained).designInterval).toBe('step');
  });

  it('leaves the spec’s own interval alone', () => {
    expect(verifiable(EXAMPLES.MultiStepLR).spec.interval).toBe('epoch');
    expect(verifiable(EXAMPLES.StepwiseGradualLR).spec.interval).toBe('step');
  });
});

describe('lastStep and the domain of lrAt', () => {
  it('OneCycleLR allows n = total_steps (PyTorch raises only past it)', () => {
    expect(verifiable(EXAMPLES.OneCycleLR).lastStep).toBe(1000);
    expect(verifiable({ name: 'OneCycleLR', params: { max_lr: 0.1, epochs: 4, steps_per_epoch: 25 } }).lastStep).toBe(100);
    expect(verifiable({ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 100, pct_start: 1 } }).lastStep).toBe(99);
  });

  it('a composite ends where its bounded child raises', () => {
    const oneCycle = { name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 10 } };
    const seq = (milestone: number, tail: unknown[] = []) => ({
      name: 'SequentialLR',
      params: { schedulers: [{ name: 'LinearLR', params: {} }, oneCycle, ...tail], milestones: [milestone, ...(tail.length ? [milestone + 20] : [])] },
      baseLr: 0.1,
    });
    expect(verifiable(seq(4)).lastStep).toBe(14);
    expect(verifiable(seq(4, [{ name: 'StepLR', params: { step_size: 1 } }])).lastStep).toBe(14);
    // Handed over before it runs out: unbounded.
    expect(verifiable({ ...seq(4), params: { schedulers: [oneCycle, { name: 'StepLR', params: { step_size: 1 } }], milestones: [5] } }).lastStep).toBeUndefined();
    const chained = { name: 'ChainedScheduler', params: { schedulers: [{ name: 'ExponentialLR', params: { gamma: 0.9 } }, oneCycle] }, baseLr: 0.1 };
    expect(verifiable(chained).lastStep).toBe(10);
  });

  it('is unbounded for the others', () => {
    for (const name of ['StepLR', 'CosineAnnealingLR', 'CyclicLR', 'linear', 'NoamLR', 'SequentialLR']) expect(verifiable(EXAMPLES[name]).lastStep, name).toBeUndefined();
    expect('lastStep' in verifiable(EXAMPLES.StepLR)).toBe(false);
  });

  it('holds the last value past lastStep, takes n < 0 as 0 and floors fractions', () => {
    const s = verifiable({ name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 10 } });
    expect(s.lrAt(11)).toBe(s.lrAt(10));
    expect(s.lrAt(1e9)).toBe(s.lrAt(10));
    expect(s.lrAt(10)).not.toBe(s.lrAt(9));
    expect(s.lrAt(-3)).toBe(s.lrAt(0));
    expect(s.lrAt(2.7)).toBe(s.lrAt(2));
    const cos = verifiable({ name: 'CosineAnnealingLR', params: { T_max: 10 }, baseLr: 1 });
    expect(cos.lrAt(3.5)).toBe(cos.lrAt(3));
    expect(cos.lrAt(-1)).toBe(1);
  });

  it('compiling an invalid spec throws the parse error', () => {
    expect(() => compileSchedule({ name: 'StepLR', params: {}, baseLr: 0.1 })).toThrow(ScheduleSpecError);
    expect(() => compileSchedule({ name: 'NoSuchLR', params: {} })).toThrow(/unknown scheduler/);
  });
});

describe('the replay cache', () => {
  /** A counting model: LR = 1/(n+1), so any value shows which n it came from. */
  function counting() {
    let steps = 0;
    const construct = (group: ParamGroup) => {
      let n = 0;
      group.lr = 1;
      return {
        step() {
          n += 1;
          steps += 1;
          group.lr = 1 / (n + 1);
        },
      };
    };
    return { construct, steps: () => steps };
  }

  it('replays each step once while within the dense limit, whatever the order of questions', () => {
    const c = counting();
    const at = replay(c.construct, 1, 1 << 12);
    expect(at(1000)).toBe(1 / 1001);
    expect(at(10)).toBe(1 / 11);
    expect(at(999)).toBe(1 / 1000);
    expect(at(2000)).toBe(1 / 2001);
    expect(c.steps()).toBe(2000);
  });

  it('keeps answering past the dense limit, forward and backward', () => {
    const c = counting();
    const seq = new ReplayedSequence(() => {
      const group: ParamGroup = { lr: 1 };
      return { group, scheduler: c.construct(group) };
    }, 64);
    for (const n of [10, 63, 64, 500, 70, 499, 1000, 5, 64]) expect(seq.at(n)).toBe(1 / (n + 1));
  });

  it('replays a long CosineAnnealingLR without drifting from its closed form before T_max', () => {
    const s = verifiable({ name: 'CosineAnnealingLR', params: { T_max: 100_000 }, baseLr: 1e-3 });
    for (const n of [0, 1, 25_000, 50_000, 99_999]) {
      const closed = (1e-3 * (1 + Math.cos((Math.PI * n) / 100_000))) / 2;
      expect(Math.abs(s.lrAt(n) - closed) / closed).toBeLessThan(1e-12);
    }
    expect(s.lrAt(100_000)).toBe(0);
  });
});
