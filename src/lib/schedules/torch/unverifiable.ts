// Schedulers whose LR cannot be computed from the step count: they depend on a metric or on the
// user's own Python code. They parse (so a typo is still caught) and compile to a reason.
import { define, never } from '../definition';
import { anything, boolean, integer, number, oneOf, optional, perGroup } from '../params';
import { torchKeywords } from './scheduler';

/** ReduceLROnPlateau's keywords (PyTorch 1.13); Hugging Face passes the same ones through. */
export const plateauParams = {
  mode: optional(oneOf('min', 'max'), 'min'),
  // PyTorch refuses factor >= 1.
  factor: optional(number({ min: 0, below: 1 }), 0.1),
  patience: optional(integer({ min: 0 }), 10),
  threshold: optional(number(), 1e-4),
  threshold_mode: optional(oneOf('rel', 'abs'), 'rel'),
  cooldown: optional(integer({ min: 0 }), 0),
  min_lr: optional(perGroup(number({ min: 0 })), 0),
  eps: optional(number({ min: 0 }), 1e-8),
  verbose: optional(boolean, false),
};

export const PLATEAU_REASON =
  'ReduceLROnPlateau lowers the LR when a watched metric stops improving, so the LR cannot be predicted from the step count alone; lrscope does not check this schedule.';

export const ReduceLROnPlateau = define({
  name: 'ReduceLROnPlateau',
  family: 'pytorch',
  params: plateauParams,
  needsBaseLr: never,
  compile: () => ({ kind: 'unverifiable', reason: PLATEAU_REASON }),
});

const lambdaReason = (name: string) =>
  `${name} takes its LR from your own lr_lambda function, which lrscope cannot run, so this schedule is not checked. ` +
  'If the lambda is a Hugging Face schedule, give its lr_scheduler_type instead (e.g. "cosine" with num_warmup_steps and num_training_steps).';

export const LambdaLR = define({
  name: 'LambdaLR',
  family: 'pytorch',
  // lr_lambda is Python code: whatever the config says about it is kept, never run.
  params: { lr_lambda: optional(anything, null), ...torchKeywords },
  needsBaseLr: never,
  compile: () => ({ kind: 'unverifiable', reason: lambdaReason('LambdaLR') }),
});

export const MultiplicativeLR = define({
  name: 'MultiplicativeLR',
  family: 'pytorch',
  params: { lr_lambda: optional(anything, null), ...torchKeywords },
  needsBaseLr: never,
  compile: () => ({ kind: 'unverifiable', reason: lambdaReason('MultiplicativeLR') }),
});
