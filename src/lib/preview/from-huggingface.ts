// Hugging Face Trainer: TrainingArguments → get_scheduler(lr_scheduler_type, num_warmup_steps,
// num_training_steps, **lr_scheduler_kwargs), stepped after every optimizer step. The Trainer
// derives the two step counts (transformers trainer.py / training_args.py):
//   num_training_steps = max_steps if max_steps > 0 else ceil(num_train_epochs × update steps per epoch)
//   num_warmup_steps   = warmup_steps if ≥ 1; ceil(T × warmup_steps) if 0 < warmup_steps < 1
//                        (transformers 5 reads it as a ratio); else ceil(T × warmup_ratio)
import { formatStep } from '../ui/format';
import { ConfigError, describe } from './config-error';
import { nearMisses } from './near-miss';
import { lengthInEpochs, lengthInSteps } from './run-length';
import { type FormRun, type Translation, underParams } from './translation';

/** TrainingArguments' defaults for the fields read here. */
const DEFAULTS = { lr_scheduler_type: 'linear', learning_rate: 5e-5 };
const FIELDS = ['lr_scheduler_type', 'learning_rate', 'warmup_steps', 'warmup_ratio', 'max_steps', 'num_train_epochs', 'lr_scheduler_kwargs'];
/** Set by the Trainer itself; a kwarg of the same name would be passed twice and raise. */
const TRAINER_SET = ['num_warmup_steps', 'num_training_steps', 'optimizer'];

function num(config: Record<string, unknown>, key: string, ok: (v: number) => boolean, expects: string): number | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ConfigError(key, `must be ${expects}, got ${describe(v)}`);
  return v;
}

function kwargsOf(config: Record<string, unknown>): Record<string, unknown> {
  let kw = config.lr_scheduler_kwargs ?? {};
  // The command line passes it as a JSON string; TrainingArguments parses it.
  if (typeof kw === 'string') {
    try {
      kw = JSON.parse(kw);
    } catch {
      throw new ConfigError('lr_scheduler_kwargs', 'must be an object (or a JSON string of one)');
    }
  }
  if (typeof kw !== 'object' || kw === null || Array.isArray(kw)) throw new ConfigError('lr_scheduler_kwargs', `must be an object of the scheduler's keyword arguments, got ${describe(kw)}`);
  for (const key of TRAINER_SET) {
    if (key in kw) throw new ConfigError(`lr_scheduler_kwargs.${key}`, 'is set by the Trainer (from warmup_steps/warmup_ratio and max_steps/num_train_epochs); remove it');
  }
  return kw as Record<string, unknown>;
}

export function fromHuggingface(config: Record<string, unknown>, form: FormRun): Translation {
  const notes = nearMisses(config, FIELDS);
  const type = config.lr_scheduler_type ?? DEFAULTS.lr_scheduler_type;
  if (typeof type !== 'string') throw new ConfigError('lr_scheduler_type', `must be a string such as "cosine", got ${describe(type)}`);
  if (config.lr_scheduler_type === undefined) notes.push(`lr_scheduler_type not set: the Trainer's default, "${DEFAULTS.lr_scheduler_type}".`);
  let lr = num(config, 'learning_rate', (v) => v > 0, 'a number > 0');
  if (lr === undefined) {
    lr = DEFAULTS.learning_rate;
    notes.push(`learning_rate not set: the Trainer's default, ${DEFAULTS.learning_rate}.`);
  }
  const maxSteps = num(config, 'max_steps', (v) => Number.isInteger(v), 'a whole number (−1: train by epochs)');
  const epochs = num(config, 'num_train_epochs', (v) => v > 0, 'a number > 0');
  const warmupSteps = num(config, 'warmup_steps', (v) => v >= 0 && (v < 1 || Number.isInteger(v)), 'a whole number ≥ 0, or a ratio in [0, 1)') ?? 0;
  const warmupRatio = num(config, 'warmup_ratio', (v) => v >= 0 && v <= 1, 'a number in [0, 1]') ?? 0;
  const kwargs = kwargsOf(config);

  const run =
    maxSteps !== undefined && maxSteps > 0
      ? lengthInSteps(form.stepsPerEpoch, maxSteps, 'max_steps')
      : lengthInEpochs(form.stepsPerEpoch, epochs ?? form.epochs, epochs !== undefined ? 'num_train_epochs' : null);
  const total = run.totalSteps;
  notes.push(
    run.from === 'max_steps'
      ? `num_training_steps = max_steps = ${formatStep(total)}${epochs !== undefined ? ' (num_train_epochs is ignored when max_steps is set)' : ''}.`
      : `num_training_steps = ${run.epochs} epochs × ${formatStep(run.stepsPerEpoch)} steps = ${formatStep(total)}.`,
  );

  let warmup: number;
  let warmupFrom: string;
  if (warmupSteps >= 1) {
    warmup = warmupSteps;
    warmupFrom = 'warmup_steps';
  } else if (warmupSteps > 0) {
    warmup = Math.ceil(total * warmupSteps);
    warmupFrom = 'warmup_steps';
    notes.push(`num_warmup_steps = ${formatStep(warmup)}: warmup_steps below 1 is a ratio of ${formatStep(total)} (transformers ≥ 5).`);
  } else {
    warmup = Math.ceil(total * warmupRatio);
    warmupFrom = 'warmup_ratio';
    if (warmupRatio > 0) notes.push(`num_warmup_steps = ceil(${warmupRatio} × ${formatStep(total)}) = ${formatStep(warmup)}.`);
  }

  const lengthField = run.from ?? 'num_train_epochs';
  return {
    spec: { name: type, params: { num_warmup_steps: warmup, num_training_steps: total, ...kwargs }, baseLr: lr },
    run,
    cadence: () => ({ actual: 'step', text: 'The Trainer steps the scheduler after every optimizer step (once per gradient-accumulation cycle).' }),
    configPath: (p) => {
      if (p === 'name') return 'lr_scheduler_type';
      if (p === 'baseLr') return 'learning_rate';
      if (p === 'params.num_warmup_steps') return warmupFrom;
      if (p === 'params.num_training_steps') return lengthField;
      return underParams(p, 'lr_scheduler_kwargs') ?? p;
    },
    notes,
  };
}
