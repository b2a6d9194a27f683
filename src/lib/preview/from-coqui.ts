// Coqui Trainer (coqui-ai/Trainer and the idiap fork): the scheduler is lr_scheduler built with
// lr_scheduler_params on an optimizer at lr, and stepped once per epoch unless
// scheduler_after_epoch is false — it defaults to true, which is how a step-based schedule such as
// StepwiseGradualLR ends up stepped per epoch (docs/schedules.md, "Coqui").
import { ConfigError, describe } from './config-error';
import { nearMisses } from './near-miss';
import { lengthInEpochs } from './run-length';
import { type FormRun, type Translation, underParams } from './translation';

/** TrainerConfig's defaults for the fields read here. */
const DEFAULT_LR = 0.001;
const FIELDS = ['lr', 'lr_scheduler', 'lr_scheduler_params', 'scheduler_after_epoch', 'epochs'];

/** Several optimizers (GANs) give lists; lrscope follows the first, as it follows param group 0. */
function first(config: Record<string, unknown>, key: string, notes: string[]): unknown {
  const v = config[key];
  if (!Array.isArray(v)) return v;
  if (v.length === 0) throw new ConfigError(key, 'must not be an empty list');
  if (v.length > 1) notes.push(`${key} lists ${v.length} values (one per optimizer): the preview follows the first.`);
  return v[0];
}

export function fromCoqui(config: Record<string, unknown>, form: FormRun): Translation {
  const notes = nearMisses(config, FIELDS);
  const scheduler = first(config, 'lr_scheduler', notes);
  if (scheduler === undefined || scheduler === null) {
    throw new ConfigError('lr_scheduler', 'not set: Coqui then keeps lr constant. Name a scheduler, e.g. "StepwiseGradualLR", "NoamLR" or a torch.optim.lr_scheduler class');
  }
  if (typeof scheduler !== 'string') throw new ConfigError('lr_scheduler', `must be a scheduler's class name, got ${describe(scheduler)}`);
  let lr = first(config, 'lr', notes);
  if (lr === undefined) {
    lr = DEFAULT_LR;
    notes.push(`lr not set: the Trainer's default, ${DEFAULT_LR}.`);
  }
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ConfigError('lr', `must be a number > 0, got ${describe(lr)}`);
  const params = config.lr_scheduler_params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ConfigError('lr_scheduler_params', `must be an object of ${scheduler}'s keyword arguments, got ${describe(params)}`);
  const afterEpoch = config.scheduler_after_epoch ?? true;
  if (typeof afterEpoch !== 'boolean') throw new ConfigError('scheduler_after_epoch', `must be true or false, got ${describe(afterEpoch)}`);
  const epochs = config.epochs;
  if (epochs !== undefined && !(typeof epochs === 'number' && Number.isInteger(epochs) && epochs > 0)) throw new ConfigError('epochs', `must be a whole number > 0, got ${describe(epochs)}`);
  const why = config.scheduler_after_epoch === undefined ? 'scheduler_after_epoch is not set, and defaults to true' : 'scheduler_after_epoch is true';

  return {
    spec: { name: scheduler, params, baseLr: lr },
    run: lengthInEpochs(form.stepsPerEpoch, (epochs as number | undefined) ?? form.epochs, epochs !== undefined ? 'epochs' : null),
    cadence: (design) =>
      afterEpoch
        ? {
            actual: 'epoch',
            text: `Coqui steps the scheduler once per epoch: ${why}.`,
            fix: design === 'step' ? `set "scheduler_after_epoch": false, so Coqui steps ${scheduler} after every optimizer step as it expects — or use an epoch-based schedule.` : undefined,
          }
        : { actual: 'step', text: 'Coqui steps the scheduler after every optimizer step: scheduler_after_epoch is false.' },
    configPath: (p) => {
      if (p === 'name') return 'lr_scheduler';
      if (p === 'baseLr') return 'lr';
      return underParams(p, 'lr_scheduler_params') ?? p;
    },
    notes,
  };
}
