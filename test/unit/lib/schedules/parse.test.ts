// parseSchedule: what a user's config may say, and the error that names the field when it is wrong.
import { describe, expect, it } from 'vitest';
import { compileSchedule, parseSchedule, ScheduleSpecError } from '@/lib/schedules';
import { MAX_SCHEDULE_NESTING } from '@/lib/schedules/parse-schedule';

/** The error parseSchedule throws for `value`, or a failure when it throws none. */
function errorOf(value: unknown): ScheduleSpecError {
  try {
    parseSchedule(value);
  } catch (err) {
    if (err instanceof ScheduleSpecError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${JSON.stringify(value)}`);
}

const step = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'StepLR', params, baseLr: 0.1, ...extra });
const constExp = [
  { name: 'ConstantLR', params: { factor: 0.1, total_iters: 2 } },
  { name: 'ExponentialLR', params: { gamma: 0.9 } },
];

describe('scheduler names', () => {
  it('suggests the name that differs only in case', () => {
    const err = errorOf({ name: 'StepLr', params: { step_size: 3 }, baseLr: 0.1 });
    expect(err.path).toBe('name');
    expect(err.message).toBe('name: unknown scheduler "StepLr"; did you mean "StepLR"?');
  });

  it('suggests close misspellings, Hugging Face names included', () => {
    expect(errorOf({ name: 'CosineAnnealing', params: {} }).rule).toContain('did you mean "CosineAnnealingLR"');
    expect(errorOf({ name: 'cosine_with_restart', params: {} }).rule).toContain('"cosine_with_restarts"');
    expect(errorOf({ name: 'Cosine', params: {} }).rule).toBe('unknown scheduler "Cosine"; did you mean "cosine"?');
  });

  it('lists the known names when nothing is close', () => {
    const err = errorOf({ name: 'WarpDrive', params: {} });
    expect(err.rule).toMatch(/^unknown scheduler "WarpDrive"; known: StepLR, MultiStepLR, /);
    expect(err.rule).toContain('StepwiseGradualLR');
    expect(err.rule).toContain('warmup_stable_decay');
  });

  it('requires a string name', () => {
    expect(errorOf({ params: {} }).path).toBe('name');
    expect(errorOf({ name: 42, params: {} }).rule).toBe('must be a string, got 42');
  });
});

describe('params', () => {
  it('names an unknown keyword, suggests the close one and lists the accepted ones', () => {
    const err = errorOf(step({ step_size: 3, gama: 0.5 }));
    expect(err.path).toBe('params.gama');
    expect(err.rule).toBe('unknown parameter for StepLR; did you mean "gamma"? (accepted: step_size, gamma, last_epoch, verbose)');
  });

  it('points a Hugging Face user from the Trainer’s name to get_scheduler’s', () => {
    const err = errorOf({ name: 'linear', params: { warmup_steps: 10, num_training_steps: 100 }, baseLr: 1e-4 });
    expect(err.path).toBe('params.warmup_steps');
    expect(err.rule).toContain('did you mean "num_warmup_steps"?');
  });

  it('requires the keywords the constructor requires', () => {
    expect(errorOf(step({})).message).toBe('params.step_size: required by StepLR');
    expect(errorOf({ name: 'ExponentialLR', params: {}, baseLr: 1 }).path).toBe('params.gamma');
    expect(errorOf({ name: 'cosine', params: { num_warmup_steps: 0 }, baseLr: 1 }).path).toBe('params.num_training_steps');
  });

  it('rejects wrong types and out-of-range values at their path', () => {
    expect(errorOf({ name: 'MultiStepLR', params: { milestones: 'soon' }, baseLr: 0.1 }).message).toBe('params.milestones: must be a list, each an integer ≥ 0, got "soon"');
    expect(errorOf({ name: 'MultiStepLR', params: { milestones: [2, 2.5] }, baseLr: 0.1 }).message).toBe('params.milestones[1]: must be an integer ≥ 0, got 2.5');
    expect(errorOf(step({ step_size: 0 })).message).toBe('params.step_size: must be an integer ≥ 1, got 0');
    expect(errorOf(step({ step_size: 2, gamma: '0.5' })).message).toBe('params.gamma: must be a number ≥ 0, got "0.5"');
    expect(errorOf(step({ step_size: 2, gamma: Number.NaN })).path).toBe('params.gamma');
    expect(errorOf({ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 10, anneal_strategy: 'cosine' } }).rule).toBe('must be one of "cos", "linear", got "cosine"; did you mean "cos"?');
    expect(errorOf({ name: 'ConstantLR', params: { factor: 0 }, baseLr: 1 }).message).toBe('params.factor: must be a number > 0 and ≤ 1, got 0');
  });

  it('requires params to be an object, and takes a missing params as none', () => {
    expect(errorOf({ name: 'StepLR', params: [3], baseLr: 1 }).path).toBe('params');
    expect(parseSchedule({ name: 'constant', baseLr: 1 })).toEqual({ name: 'constant', params: {}, baseLr: 1 });
  });

  it('accepts only the default last_epoch: resuming is not modelled', () => {
    expect(parseSchedule(step({ step_size: 2, last_epoch: -1 })).params.last_epoch).toBe(-1);
    const err = errorOf(step({ step_size: 2, last_epoch: 40 }));
    expect(err.path).toBe('params.last_epoch');
    expect(err.rule).toContain('resuming');
  });

  it('accepts per-param-group lists where PyTorch does', () => {
    expect(parseSchedule({ name: 'OneCycleLR', params: { max_lr: [0.1, 0.01], total_steps: 10 } }).params.max_lr).toEqual([0.1, 0.01]);
    expect(errorOf({ name: 'OneCycleLR', params: { max_lr: [0.1, -1], total_steps: 10 } }).path).toBe('params.max_lr[1]');
  });
});

describe('interval and baseLr', () => {
  it('interval is "step" or "epoch"', () => {
    expect(parseSchedule(step({ step_size: 2 }, { interval: 'epoch' })).interval).toBe('epoch');
    expect(errorOf(step({ step_size: 2 }, { interval: 'batch' })).message).toBe('interval: must be "step" or "epoch", got "batch"');
  });

  it('frequency is an integer ≥ 1, kept only when it is not the default', () => {
    expect(parseSchedule(step({ step_size: 2 }, { interval: 'epoch', frequency: 3 })).frequency).toBe(3);
    expect(parseSchedule(step({ step_size: 2 }, { frequency: 1 }))).not.toHaveProperty('frequency');
    for (const bad of [0, -1, 1.5, '2', null, 2e6]) expect(errorOf(step({ step_size: 2 }, { frequency: bad })).message).toMatch(/^frequency: must be an integer from 1/);
  });

  it('baseLr is a finite number > 0', () => {
    for (const bad of [0, -1e-3, Number.POSITIVE_INFINITY, '1e-3', null]) expect(errorOf(step({ step_size: 2 }, { baseLr: bad })).path).toBe('baseLr');
  });

  it('baseLr is required where η0 scales the schedule', () => {
    for (const spec of [
      { name: 'StepLR', params: { step_size: 2 } },
      { name: 'CosineAnnealingLR', params: { T_max: 10 } },
      { name: 'linear', params: { num_warmup_steps: 1, num_training_steps: 10 } },
      { name: 'NoamLR', params: { warmup_steps: 100 } },
      { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[5, 0.1], [9, 0.01]], variant: 'idiap' } },
      { name: 'SequentialLR', params: { schedulers: [{ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 5 } }, { name: 'ExponentialLR', params: { gamma: 0.9 } }], milestones: [3] } },
    ]) {
      const err = errorOf(spec);
      expect(err.path, spec.name).toBe('baseLr');
      expect(err.rule).toContain(`required for ${spec.name}`);
    }
  });

  it('baseLr is optional for absolute rates and for what cannot be checked anyway', () => {
    for (const spec of [
      { name: 'OneCycleLR', params: { max_lr: 0.1, epochs: 2, steps_per_epoch: 5 } },
      { name: 'CyclicLR', params: { base_lr: 1e-4, max_lr: 1e-3 } },
      { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10, 4e-4]] } },
      { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4]], variant: 'idiap' } },
      { name: 'ChainedScheduler', params: { schedulers: [{ name: 'CyclicLR', params: { base_lr: 1e-4, max_lr: 1e-3 } }] } },
      { name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 3 } },
      { name: 'LambdaLR', params: { lr_lambda: 'lambda epoch: 0.95 ** epoch' } },
    ]) {
      expect(() => parseSchedule(spec), spec.name).not.toThrow();
    }
  });
});

describe('composites', () => {
  it('names the failing field of a child by its path', () => {
    const seq = (schedulers: unknown[], milestones: unknown = [2]) => ({ name: 'SequentialLR', params: { schedulers, milestones }, baseLr: 1 });
    expect(errorOf(seq([{ name: 'ConstantLr', params: {} }, constExp[1]])).message).toBe('params.schedulers[0].name: unknown scheduler "ConstantLr"; did you mean "ConstantLR"?');
    expect(errorOf(seq([constExp[0], { name: 'ExponentialLR', params: { gamma: 'fast' } }])).path).toBe('params.schedulers[1].params.gamma');
    expect(errorOf(seq([constExp[0], { name: 'ExponentialLR', params: {} }])).message).toBe('params.schedulers[1].params.gamma: required by ExponentialLR');
    expect(errorOf(seq([constExp[0], 'ExponentialLR'])).path).toBe('params.schedulers[1]');
  });

  it(`nest at most ${MAX_SCHEDULE_NESTING} levels below the outer spec; deeper is an error, not a stack overflow`, () => {
    const nest = (levels: number) => {
      let spec: Record<string, unknown> = { name: 'StepLR', params: { step_size: 2 } };
      for (let i = 0; i < levels; i++) spec = { name: 'ChainedScheduler', params: { schedulers: [spec] } };
      return { ...spec, baseLr: 0.1 };
    };
    const ok = parseSchedule(nest(MAX_SCHEDULE_NESTING));
    expect(compileSchedule(ok).verifiable).toBe(true);
    const deep = errorOf(nest(MAX_SCHEDULE_NESTING + 1));
    expect(deep.message).toBe(`${'params.schedulers[0].'.repeat(MAX_SCHEDULE_NESTING + 1).slice(0, -1)}: schedules may nest at most 8 levels deep (SequentialLR or ChainedScheduler inside one another)`);
    expect(errorOf(nest(5_000)).rule).toMatch(/may nest at most 8 levels/);
  });

  it('keeps baseLr and interval on the outer spec', () => {
    const child = { ...constExp[1], baseLr: 1 };
    expect(errorOf({ name: 'ChainedScheduler', params: { schedulers: [constExp[0], child] }, baseLr: 1 }).path).toBe('params.schedulers[1].baseLr');
    const stepped = { ...constExp[0], interval: 'step' };
    expect(errorOf({ name: 'ChainedScheduler', params: { schedulers: [stepped] }, baseLr: 1 }).path).toBe('params.schedulers[0].interval');
    const every = { ...constExp[0], frequency: 2 };
    expect(errorOf({ name: 'ChainedScheduler', params: { schedulers: [every] }, baseLr: 1 }).path).toBe('params.schedulers[0].frequency');
  });

  it('SequentialLR needs one milestone fewer than schedulers, increasing and after 0', () => {
    const seq = (milestones: unknown) => ({ name: 'SequentialLR', params: { schedulers: constExp, milestones }, baseLr: 1 });
    expect(errorOf(seq([2, 4])).message).toBe('params.milestones: must have one entry fewer than schedulers (2 schedulers take 1 milestone), got 2');
    expect(errorOf(seq([0])).path).toBe('params.milestones[0]');
    const three = { name: 'SequentialLR', params: { schedulers: [...constExp, { name: 'StepLR', params: { step_size: 1 } }], milestones: [5, 5] }, baseLr: 1 };
    expect(errorOf(three).path).toBe('params.milestones[1]');
    expect(errorOf({ name: 'SequentialLR', params: { schedulers: [], milestones: [] }, baseLr: 1 }).path).toBe('params.schedulers');
  });

  it('refuses what PyTorch 1.13 cannot run: composites inside SequentialLR, ReduceLROnPlateau inside either', () => {
    const chained = { name: 'ChainedScheduler', params: { schedulers: constExp } };
    expect(errorOf({ name: 'SequentialLR', params: { schedulers: [constExp[0], chained], milestones: [3] }, baseLr: 1 }).rule).toContain('AttributeError');
    const inner = { name: 'SequentialLR', params: { schedulers: constExp, milestones: [2] } };
    expect(errorOf({ name: 'SequentialLR', params: { schedulers: [inner, constExp[1]], milestones: [3] }, baseLr: 1 }).path).toBe('params.schedulers[0].name');
    const plateau = { name: 'ReduceLROnPlateau', params: {} };
    expect(errorOf({ name: 'ChainedScheduler', params: { schedulers: [constExp[0], plateau] }, baseLr: 1 }).path).toBe('params.schedulers[1].name');
    // ChainedScheduler only calls step(), so it can hold composites.
    expect(() => parseSchedule({ name: 'ChainedScheduler', params: { schedulers: [inner, chained] }, baseLr: 1 })).not.toThrow();
  });

  it('refuses a LinearLR with total_iters 0 after a milestone: PyTorch’s closed form divides by it there', () => {
    const lin0 = { name: 'LinearLR', params: { total_iters: 0 } };
    expect(errorOf({ name: 'SequentialLR', params: { schedulers: [constExp[0], lin0], milestones: [3] }, baseLr: 1 }).path).toBe('params.schedulers[1].params.total_iters');
    expect(() => parseSchedule({ name: 'SequentialLR', params: { schedulers: [lin0, constExp[0]], milestones: [3] }, baseLr: 1 })).not.toThrow();
  });
});

describe('framework-specific rules', () => {
  it('OneCycleLR needs total_steps or both epochs and steps_per_epoch, and a first phase of some length', () => {
    expect(errorOf({ name: 'OneCycleLR', params: { max_lr: 0.1, epochs: 3 } }).path).toBe('params.total_steps');
    expect(errorOf({ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 10, pct_start: 0.1 } }).path).toBe('params.pct_start');
  });

  it('Hugging Face polynomial refuses an lr_end not below baseLr, as get_scheduler does', () => {
    const err = errorOf({ name: 'polynomial', params: { num_warmup_steps: 0, num_training_steps: 10, lr_end: 1e-3 }, baseLr: 1e-3 });
    expect(err.path).toBe('params.lr_end');
  });

  it('Hugging Face cosine_with_min_lr takes min_lr or min_lr_rate, exactly one', () => {
    const spec = (extra: object) => ({ name: 'cosine_with_min_lr', params: { num_warmup_steps: 0, num_training_steps: 10, ...extra }, baseLr: 1e-3 });
    expect(errorOf(spec({})).path).toBe('params.min_lr');
    expect(errorOf(spec({ min_lr: 1e-5, min_lr_rate: 0.1 })).path).toBe('params.min_lr_rate');
  });

  it('warmup_stable_decay needs num_stable_steps or num_training_steps', () => {
    expect(errorOf({ name: 'warmup_stable_decay', params: { num_warmup_steps: 1, num_decay_steps: 5 }, baseLr: 1 }).path).toBe('params.num_stable_steps');
  });

  it('StepwiseGradualLR thresholds increase; the original code base needs two of them, starting at 0 or 1', () => {
    const gradual = (rates: unknown, variant?: string) => ({ name: 'StepwiseGradualLR', params: { gradual_learning_rates: rates, ...(variant ? { variant } : {}) } });
    expect(errorOf(gradual([[0, 1e-3], [10, 5e-4], [10, 1e-4]])).message).toContain('params.gradual_learning_rates[2][0]: must be greater');
    expect(errorOf(gradual([[0, 1e-3]])).path).toBe('params.gradual_learning_rates');
    expect(errorOf(gradual([[5, 1e-3], [10, 5e-4]])).rule).toContain('UnboundLocalError');
    expect(errorOf(gradual([[0, 1e-3], [10]])).path).toBe('params.gradual_learning_rates[1]');
    expect(errorOf(gradual([[0, 1e-3]], 'fork')).path).toBe('params.variant');
    expect(() => parseSchedule(gradual([[0, 1e-3]], 'idiap'))).not.toThrow();
  });
});

describe('the normalized spec', () => {
  it('keeps what the user wrote and fills in no defaults', () => {
    const spec = { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 100, verbose: false }, interval: 'step' };
    expect(parseSchedule(spec)).toEqual(spec);
    expect(parseSchedule({ name: 'StepLR', params: { step_size: 3 }, baseLr: 0.1 })).toEqual({ name: 'StepLR', params: { step_size: 3 }, baseLr: 0.1 });
  });

  it('normalizes children and is idempotent', () => {
    const spec = { name: 'SequentialLR', params: { milestones: [2], schedulers: [{ name: 'ConstantLR' }, { name: 'ExponentialLR', params: { gamma: 0.9 } }] }, baseLr: 1 };
    const parsed = parseSchedule(spec);
    expect(parsed.params.schedulers).toEqual([{ name: 'ConstantLR', params: {} }, { name: 'ExponentialLR', params: { gamma: 0.9 } }]);
    expect(parseSchedule(parsed)).toEqual(parsed);
  });

  it('refuses anything but a spec object, and unknown fields', () => {
    expect(errorOf('StepLR').path).toBe('');
    expect(errorOf(null).message).toMatch(/^must be a schedule spec/);
    expect(errorOf({ name: 'StepLR', params: { step_size: 1 }, baseLR: 0.1 }).message).toBe('baseLR: unknown field; did you mean "baseLr"? (a schedule spec has name, params, interval, frequency, baseLr)');
  });
});
