// PyTorch: the config is lrscope's schedule spec itself (class name + constructor kwargs), and
// its `interval` says how the training loop calls scheduler.step() — after every optimizer step,
// or once per epoch (Lightning: interval "step" | "epoch").
import type { Interval } from '../schedules/types';
import { lengthInEpochs } from './run-length';
import type { Cadence, FormRun, Translation } from './translation';

function cadenceOf(interval: Interval | undefined, design: Interval | 'either'): Cadence {
  const actual: Interval = interval ?? (design === 'step' ? 'step' : 'epoch');
  const assumed = interval === undefined ? ' ("interval" not set: assumed from the scheduler)' : '';
  if (actual === 'epoch') {
    const fix = design === 'step' ? 'call scheduler.step() after every optimizer.step(), inside the batch loop (Lightning: interval="step"), and set "interval": "step".' : undefined;
    return { actual, text: `Your loop calls scheduler.step() once per epoch${assumed}.`, fix };
  }
  return { actual, text: `Your loop calls scheduler.step() after every optimizer step${assumed}.` };
}

export function fromPytorch(config: Record<string, unknown>, form: FormRun): Translation {
  const interval = config.interval === 'step' || config.interval === 'epoch' ? config.interval : undefined;
  return {
    spec: config,
    run: lengthInEpochs(form.stepsPerEpoch, form.epochs, null),
    cadence: (design) => cadenceOf(interval, design),
    configPath: (p) => p,
    notes: [],
  };
}
