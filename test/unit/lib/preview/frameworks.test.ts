// Each framework's config → the schedule spec, the run's length, who steps the scheduler how
// often, and where a spec field lives in the user's config.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@/lib/preview/config-error';
import { fromCoqui } from '@/lib/preview/from-coqui';
import { fromHuggingface } from '@/lib/preview/from-huggingface';
import { fromPytorch } from '@/lib/preview/from-pytorch';
import { nearMisses } from '@/lib/preview/near-miss';
import { readConfig } from '@/lib/preview/read-config';
import { checkLength, FieldError } from '@/lib/preview/run-length';

const form = { stepsPerEpoch: 500, epochs: 3 };

function configErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FieldError) return err.message;
    throw err;
  }
  throw new Error('no error');
}

describe('Hugging Face TrainingArguments', () => {
  it('derives num_training_steps from epochs and num_warmup_steps from warmup_ratio, as the Trainer does', () => {
    const t = fromHuggingface({ lr_scheduler_type: 'cosine', learning_rate: 2e-5, warmup_ratio: 0.1 }, { stepsPerEpoch: 333, epochs: 3 });
    expect(t.spec).toEqual({ name: 'cosine', params: { num_warmup_steps: 100, num_training_steps: 999 }, baseLr: 2e-5 });
    expect(t.run).toEqual({ stepsPerEpoch: 333, epochs: 3, totalSteps: 999, from: null });
    expect(t.cadence('step')).toEqual({ actual: 'step', text: 'The Trainer steps the scheduler after every optimizer step (once per gradient-accumulation cycle).' });
    expect(t.notes).toEqual(['num_training_steps = 3 epochs × 333 steps = 999.', 'num_warmup_steps = ceil(0.1 × 999) = 100.']);
  });

  it('applies the Trainer\'s defaults: linear, 5e-5, 3 epochs only when the config says none', () => {
    const t = fromHuggingface({}, form);
    expect(t.spec).toEqual({ name: 'linear', params: { num_warmup_steps: 0, num_training_steps: 1500 }, baseLr: 5e-5 });
    expect(t.notes.slice(0, 2)).toEqual(['lr_scheduler_type not set: the Trainer\'s default, "linear".', "learning_rate not set: the Trainer's default, 0.00005."]);
  });

  it('lets max_steps win over epochs, and num_train_epochs win over the form', () => {
    expect(fromHuggingface({ max_steps: 1200, num_train_epochs: 9 }, form).run).toEqual({ stepsPerEpoch: 500, epochs: 2.4, totalSteps: 1200, from: 'max_steps' });
    expect(fromHuggingface({ max_steps: -1, num_train_epochs: 2.5 }, form).run).toEqual({ stepsPerEpoch: 500, epochs: 2.5, totalSteps: 1250, from: 'num_train_epochs' });
  });

  it('takes warmup_steps over warmup_ratio, and reads warmup_steps below 1 as a ratio', () => {
    expect(fromHuggingface({ warmup_steps: 50, warmup_ratio: 0.5 }, form).spec.params).toMatchObject({ num_warmup_steps: 50 });
    expect(fromHuggingface({ warmup_steps: 0.05 }, form).spec.params).toMatchObject({ num_warmup_steps: 75 });
  });

  it('passes lr_scheduler_kwargs (an object or its JSON string) to the scheduler', () => {
    expect(fromHuggingface({ lr_scheduler_type: 'cosine_with_min_lr', lr_scheduler_kwargs: { min_lr: 1e-6 } }, form).spec.params).toMatchObject({ min_lr: 1e-6 });
    expect(fromHuggingface({ lr_scheduler_type: 'cosine', lr_scheduler_kwargs: '{"num_cycles": 1}' }, form).spec.params).toMatchObject({ num_cycles: 1 });
  });

  it('names the field of a value the Trainer would refuse', () => {
    expect(configErrorOf(() => fromHuggingface({ learning_rate: '1e-4' }, form))).toBe('learning_rate: must be a number > 0, got "1e-4"');
    expect(configErrorOf(() => fromHuggingface({ warmup_ratio: 2 }, form))).toBe('warmup_ratio: must be a number in [0, 1], got 2');
    expect(configErrorOf(() => fromHuggingface({ warmup_steps: 2.5 }, form))).toBe('warmup_steps: must be a whole number ≥ 0, or a ratio in [0, 1), got 2.5');
    expect(configErrorOf(() => fromHuggingface({ lr_scheduler_type: 3 }, form))).toBe('lr_scheduler_type: must be a string such as "cosine", got 3');
    expect(configErrorOf(() => fromHuggingface({ lr_scheduler_kwargs: '{oops' }, form))).toBe('lr_scheduler_kwargs: must be an object (or a JSON string of one)');
    expect(configErrorOf(() => fromHuggingface({ lr_scheduler_kwargs: { num_training_steps: 5 } }, form))).toBe(
      'lr_scheduler_kwargs.num_training_steps: is set by the Trainer (from warmup_steps/warmup_ratio and max_steps/num_train_epochs); remove it',
    );
    expect(configErrorOf(() => checkLength(fromHuggingface({ max_steps: 9_000_000 }, form).run))).toBe('max_steps: makes 9,000,000 optimizer steps; the preview covers at most 5,000,000');
  });

  it('maps spec paths back to TrainingArguments fields', () => {
    const t = fromHuggingface({ warmup_ratio: 0.1, max_steps: 100 }, form);
    expect(['name', 'baseLr', 'params.num_warmup_steps', 'params.num_training_steps', 'params.min_lr', 'params'].map(t.configPath)).toEqual([
      'lr_scheduler_type',
      'learning_rate',
      'warmup_ratio',
      'max_steps',
      'lr_scheduler_kwargs.min_lr',
      'lr_scheduler_kwargs',
    ]);
  });
});

describe('Coqui Trainer config', () => {
  const story = { lr: 5e-4, lr_scheduler: 'StepwiseGradualLR', lr_scheduler_params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4]] } };

  it('steps the scheduler once per epoch when scheduler_after_epoch is left at its default', () => {
    const t = fromCoqui(story, form);
    expect(t.spec).toEqual({ name: 'StepwiseGradualLR', params: story.lr_scheduler_params, baseLr: 5e-4 });
    expect(t.cadence('step')).toEqual({
      actual: 'epoch',
      text: 'Coqui steps the scheduler once per epoch: scheduler_after_epoch is not set, and defaults to true.',
      fix: 'set "scheduler_after_epoch": false, so Coqui steps StepwiseGradualLR after every optimizer step as it expects — or use an epoch-based schedule.',
    });
    // An epoch schedule stepped per epoch needs no fix.
    expect(t.cadence('either').fix).toBeUndefined();
  });

  it('steps it after every optimizer step with scheduler_after_epoch false', () => {
    expect(fromCoqui({ ...story, scheduler_after_epoch: false }, form).cadence('step')).toEqual({ actual: 'step', text: 'Coqui steps the scheduler after every optimizer step: scheduler_after_epoch is false.' });
    expect(fromCoqui({ ...story, scheduler_after_epoch: true }, form).cadence('step').text).toBe('Coqui steps the scheduler once per epoch: scheduler_after_epoch is true.');
  });

  it('follows the first optimizer of several, takes the config\'s epochs, and Coqui\'s default lr', () => {
    const t = fromCoqui({ lr: [1e-3, 2e-4], lr_scheduler: ['ExponentialLR', 'StepLR'], lr_scheduler_params: { gamma: 0.9 }, epochs: 7 }, form);
    expect(t.spec).toEqual({ name: 'ExponentialLR', params: { gamma: 0.9 }, baseLr: 1e-3 });
    expect(t.run).toEqual({ stepsPerEpoch: 500, epochs: 7, totalSteps: 3500, from: 'epochs' });
    expect(t.notes).toEqual(['lr_scheduler lists 2 values (one per optimizer): the preview follows the first.', 'lr lists 2 values (one per optimizer): the preview follows the first.']);
    expect(fromCoqui({ lr_scheduler: 'NoamLR' }, form).spec.baseLr).toBe(0.001);
  });

  it('names the field that is wrong, in Coqui\'s names', () => {
    expect(configErrorOf(() => fromCoqui({ lr: 1e-3 }, form))).toMatch(/^lr_scheduler: not set: Coqui then keeps lr constant/);
    expect(configErrorOf(() => fromCoqui({ ...story, scheduler_after_epoch: 'no' }, form))).toBe('scheduler_after_epoch: must be true or false, got "no"');
    expect(configErrorOf(() => fromCoqui({ ...story, lr: -1 }, form))).toBe('lr: must be a number > 0, got -1');
    expect(configErrorOf(() => fromCoqui({ ...story, lr_scheduler_params: [] }, form))).toBe("lr_scheduler_params: must be an object of StepwiseGradualLR's keyword arguments, got a list");
    expect(configErrorOf(() => fromCoqui({ ...story, epochs: 1.5 }, form))).toBe('epochs: must be a whole number > 0, got 1.5');
    const t = fromCoqui(story, form);
    expect(['name', 'baseLr', 'params.gradual_learning_rates[1][0]'].map(t.configPath)).toEqual(['lr_scheduler', 'lr', 'lr_scheduler_params.gradual_learning_rates[1][0]']);
  });

  it('needs epochs from the form when the config has none', () => {
    expect(configErrorOf(() => fromCoqui(story, { stepsPerEpoch: 500, epochs: undefined }))).toBe('required: how many epochs to preview');
  });
});

describe('PyTorch spec', () => {
  it('uses the spec\'s interval as how the loop steps the scheduler', () => {
    const t = fromPytorch({ name: 'OneCycleLR', params: { max_lr: 0.1, total_steps: 10 }, interval: 'epoch' }, form);
    expect(t.cadence('step')).toEqual({
      actual: 'epoch',
      text: 'Your loop calls scheduler.step() once per epoch.',
      fix: 'call scheduler.step() after every optimizer.step(), inside the batch loop (Lightning: interval="step"), and set "interval": "step".',
    });
    expect(t.configPath('params.max_lr')).toBe('params.max_lr');
  });

  it('assumes the scheduler\'s own cadence when the spec gives no interval', () => {
    const t = fromPytorch({ name: 'StepLR', params: { step_size: 3 } }, form);
    expect(t.cadence('either')).toEqual({ actual: 'epoch', text: 'Your loop calls scheduler.step() once per epoch ("interval" not set: assumed from the scheduler).' });
    expect(t.cadence('step').actual).toBe('step');
  });
});

describe('reading the pasted text', () => {
  it('locates a JSON syntax error by line and column', () => {
    expect(configErrorOf(() => readConfig('{\n  "lr": 1e-3,\n  "x" 1\n}'))).toMatch(/^not valid JSON: line 3, column 7: /);
    expect(configErrorOf(() => readConfig('[1]'))).toBe('must be a JSON object, like {"lr": 0.001, ...}');
  });

  it('notes keys that are one edit away from a field it reads, and only those', () => {
    expect(nearMisses({ learning_rat: 1, warmupSteps: 2, save_steps: 3, logging_steps: 4, max_steps: 5 }, ['learning_rate', 'warmup_steps', 'max_steps'])).toEqual([
      '"learning_rat" is not a field the trainer reads; did you mean "learning_rate"? It was ignored.',
      '"warmupSteps" is not a field the trainer reads; did you mean "warmup_steps"? It was ignored.',
    ]);
  });
});
