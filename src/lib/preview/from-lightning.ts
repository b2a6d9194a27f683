// PyTorch Lightning: the scheduler a LightningModule or LightningCLI was given, as its saved
// hyperparameters hold it (hparams.yaml, or LightningCLI's config.yaml):
//   lr_scheduler: { class_path: torch.optim.lr_scheduler.OneCycleLR, init_args: {...} }, or a
//   class name with lr_scheduler_params, optionally with interval: step | epoch;
//   optimizer: { class_path: ..., init_args: { lr } }, or lr / learning_rate.
// Lightning steps a scheduler once per epoch unless its config says interval "step": a schedule
// written in steps (OneCycleLR's total_steps) is then stepped per epoch.
import type { Interval } from '../schedules/types';
import { ConfigError, describe } from './config-error';
import { lengthInEpochs } from './run-length';
import { type FormRun, type Translation, underParams } from './translation';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "torch.optim.lr_scheduler.OneCycleLR" → "OneCycleLR". */
function className(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function schedulerOf(config: Record<string, unknown>): { name: string; params: Record<string, unknown>; paramsAt: string; interval?: unknown } {
  const s = config.lr_scheduler ?? config.scheduler;
  const key = config.lr_scheduler !== undefined ? 'lr_scheduler' : 'scheduler';
  if (typeof s === 'string') {
    const params = config.lr_scheduler_params ?? {};
    if (!isObject(params)) throw new ConfigError('lr_scheduler_params', `must be an object of ${s}'s keyword arguments, got ${describe(params)}`);
    return { name: className(s), params, paramsAt: 'lr_scheduler_params', interval: config.interval };
  }
  if (!isObject(s)) throw new ConfigError('lr_scheduler', s === undefined ? 'not set: no scheduler in the hyperparameters' : `must name a scheduler (a class path, or { class_path, init_args }), got ${describe(s)}`);
  const path = s.class_path ?? s.name;
  if (typeof path !== 'string') throw new ConfigError(`${key}.class_path`, `must be the scheduler's class path, got ${describe(path)}`);
  const args = s.init_args ?? s.params ?? {};
  if (!isObject(args)) throw new ConfigError(`${key}.init_args`, `must be an object of keyword arguments, got ${describe(args)}`);
  const { optimizer: _optimizer, ...params } = args;
  return { name: className(path), params, paramsAt: `${key}.${s.init_args !== undefined ? 'init_args' : 'params'}`, interval: s.interval ?? config.interval };
}

function lrOf(config: Record<string, unknown>): number | undefined {
  const opt = config.optimizer;
  const lr = isObject(opt) && isObject(opt.init_args) ? opt.init_args.lr : (config.lr ?? config.learning_rate);
  if (lr === undefined) return undefined;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ConfigError('lr', `must be a number > 0, got ${describe(lr)}`);
  return lr;
}

export function fromLightning(config: Record<string, unknown>, form: FormRun): Translation {
  const { name, params, paramsAt, interval } = schedulerOf(config);
  if (interval !== undefined && interval !== 'step' && interval !== 'epoch') throw new ConfigError('interval', `must be "step" or "epoch", got ${describe(interval)}`);
  const lr = lrOf(config);
  const trainer = isObject(config.trainer) ? config.trainer : {};
  const maxEpochs = config.max_epochs ?? trainer.max_epochs;
  const epochs = typeof maxEpochs === 'number' && maxEpochs > 0 ? maxEpochs : undefined;
  const actual: Interval = interval ?? 'epoch';
  return {
    spec: { name, params, ...(lr !== undefined && { baseLr: lr }) },
    run: lengthInEpochs(form.stepsPerEpoch, epochs ?? form.epochs, epochs !== undefined ? 'max_epochs' : null),
    cadence: (design) =>
      actual === 'epoch'
        ? {
            actual,
            text: `Lightning steps the scheduler once per epoch: ${interval === undefined ? 'its interval is not set, and defaults to "epoch"' : 'its interval is "epoch"'}.`,
            fix: design === 'step' ? `return the scheduler as {"scheduler": ..., "interval": "step"} from configure_optimizers, so Lightning steps ${name} after every optimizer step — or use an epoch-based schedule.` : undefined,
          }
        : { actual, text: 'Lightning steps the scheduler after every optimizer step: its interval is "step".' },
    configPath: (p) => {
      if (p === 'name') return 'lr_scheduler';
      if (p === 'baseLr') return 'optimizer.init_args.lr';
      return underParams(p, paramsAt) ?? p;
    },
    notes: [],
  };
}
