// Hugging Face schedules, by their `lr_scheduler_type` names and get_scheduler's own keywords.
// Each is a LambdaLR: LR = η0 · λ(n), stepped once per optimizer step by the Trainer.
// The lambdas follow huggingface/transformers src/transformers/optimization.py at commit
// 005edacb6b5dabbf0843e92c6623de9e07ca6241, operation for operation (float(), max(1, ·), the
// order of products), so edges (n = num_warmup_steps, n > num_training_steps) match.
import { always, define, never, type Definition } from './definition';
import { fail, integer, nullable, number, oneOf, optional, required, type ParamSchema, type ParamValues } from './params';
import { FunctionScheduler, torchKeywords } from './torch/scheduler';
import { plateauParams, PLATEAU_REASON } from './torch/unverifiable';

type Lambda = (n: number) => number;

const steps = integer({ min: 0 });
const lastEpoch = { last_epoch: torchKeywords.last_epoch };
const warmupRequired = { num_warmup_steps: required(steps) };
const trainingRequired = { num_training_steps: required(steps) };
/** get_scheduler takes these for every name, and ignores them where the schedule has no use for them. */
const warmupIgnored = { num_warmup_steps: optional(nullable(steps), null) };
const trainingIgnored = { num_training_steps: optional(nullable(steps), null) };

function warmup(n: number, w: number): number {
  return n / Math.max(1, w);
}

function hf<S extends ParamSchema>(
  name: string,
  params: S,
  lambda: (p: ParamValues<S>, baseLr: number) => Lambda,
  check?: Definition<S>['check'],
): Definition {
  return define<S>({
    name,
    family: 'huggingface',
    params,
    check,
    needsBaseLr: always,
    compile: (p, { baseLr }) => {
      const f = lambda(p, baseLr);
      return {
        kind: 'verifiable',
        designInterval: 'step',
        lrAt: (n) => baseLr * f(n),
        construct: (group) => new FunctionScheduler(group, (n, base) => base * f(n)),
      };
    },
  });
}

export const constant = hf('constant', { ...warmupIgnored, ...trainingIgnored, ...lastEpoch }, () => () => 1);

export const constant_with_warmup = hf('constant_with_warmup', { ...warmupRequired, ...trainingIgnored, ...lastEpoch }, (p) => (n) =>
  n < p.num_warmup_steps ? n / Math.max(1.0, p.num_warmup_steps) : 1.0,
);

export const linear = hf('linear', { ...warmupRequired, ...trainingRequired, ...lastEpoch }, (p) => {
  const { num_warmup_steps: w, num_training_steps: t } = p;
  return (n) => (n < w ? warmup(n, w) : Math.max(0.0, (t - n) / Math.max(1, t - w)));
});

export const cosine = hf('cosine', { ...warmupRequired, ...trainingRequired, num_cycles: optional(number({ min: 0 }), 0.5), ...lastEpoch }, (p) => {
  const { num_warmup_steps: w, num_training_steps: t, num_cycles: c } = p;
  return (n) => {
    if (n < w) return warmup(n, w);
    const progress = (n - w) / Math.max(1, t - w);
    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress)));
  };
});

export const cosine_with_restarts = hf(
  'cosine_with_restarts',
  { ...warmupRequired, ...trainingRequired, num_cycles: optional(number({ min: 0 }), 1), ...lastEpoch },
  (p) => {
    const { num_warmup_steps: w, num_training_steps: t, num_cycles: c } = p;
    return (n) => {
      if (n < w) return warmup(n, w);
      const progress = (n - w) / Math.max(1, t - w);
      if (progress >= 1.0) return 0.0;
      return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((c * progress) % 1.0))));
    };
  },
);

export const polynomial = hf(
  'polynomial',
  { ...warmupRequired, ...trainingRequired, lr_end: optional(number({ min: 0 }), 1e-7), power: optional(number(), 1.0), ...lastEpoch },
  (p, lrInit) => {
    const { num_warmup_steps: w, num_training_steps: t, lr_end: end, power } = p;
    return (n) => {
      if (n < w) return warmup(n, w);
      if (n > t) return end / lrInit;
      const remaining = 1 - (n - w) / (t - w);
      return ((lrInit - end) * remaining ** power + end) / lrInit;
    };
  },
  (p, { path, baseLr }) => {
    if (baseLr !== undefined && !(baseLr > p.lr_end)) fail(`${path}.lr_end`, `must be smaller than baseLr (${baseLr}): Hugging Face refuses an lr_end that is not below the optimizer's LR`);
    if (p.num_training_steps === p.num_warmup_steps) fail(`${path}.num_training_steps`, 'must differ from num_warmup_steps: the polynomial decay divides by their difference');
  },
);

export const inverse_sqrt = hf(
  'inverse_sqrt',
  { ...warmupRequired, timescale: optional(nullable(integer({ min: 1 })), null), ...trainingIgnored, ...lastEpoch },
  (p) => {
    const w = p.num_warmup_steps;
    const timescale = p.timescale ?? (w || 10_000);
    const shift = timescale - w;
    return (n) => (n < w ? warmup(n, w) : 1.0 / Math.sqrt((n + shift) / timescale));
  },
);

const ramp = oneOf('linear', 'cosine', '1-sqrt');

export const warmup_stable_decay = hf(
  'warmup_stable_decay',
  {
    ...warmupRequired,
    num_decay_steps: required(steps),
    num_training_steps: optional(nullable(steps), null),
    num_stable_steps: optional(nullable(steps), null),
    warmup_type: optional(ramp, 'linear'),
    decay_type: optional(ramp, 'cosine'),
    min_lr_ratio: optional(number({ min: 0, max: 1 }), 0),
    num_cycles: optional(number({ min: 0 }), 0.5),
    ...lastEpoch,
  },
  (p) => {
    const { num_warmup_steps: w, num_decay_steps: d, min_lr_ratio: r, num_cycles: c } = p;
    // num_stable_steps wins when both are given (Hugging Face warns and uses it).
    const s = p.num_stable_steps ?? p.num_training_steps! - w - d;
    return (n) => {
      if (n < w) {
        const progress = n / Math.max(1, w);
        const f = p.warmup_type === 'linear' ? progress : p.warmup_type === 'cosine' ? 0.5 * (1.0 - Math.cos(Math.PI * progress)) : 1.0 - Math.sqrt(1.0 - progress);
        return Math.max(0.0, f * (1.0 - r) + r);
      }
      if (n < w + s) return 1.0;
      if (n < w + s + d) {
        const progress = (n - w - s) / Math.max(1, d);
        const f = p.decay_type === 'linear' ? 1.0 - progress : p.decay_type === 'cosine' ? 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress)) : 1.0 - Math.sqrt(progress);
        return Math.max(0.0, f * (1.0 - r) + r);
      }
      return r;
    };
  },
  (p, { path }) => {
    if (p.num_training_steps === null && p.num_stable_steps === null) fail(`${path}.num_stable_steps`, 'required unless num_training_steps is given (the stable phase is what remains of it after warmup and decay)');
  },
);

const minLrParams = {
  ...warmupRequired,
  ...trainingRequired,
  num_cycles: optional(number({ min: 0 }), 0.5),
  min_lr: optional(nullable(number({ min: 0 })), null),
  min_lr_rate: optional(nullable(number({ min: 0, max: 1 })), null),
  ...lastEpoch,
};

function checkMinLr(p: { min_lr: number | null; min_lr_rate: number | null }, path: string): void {
  if (p.min_lr !== null && p.min_lr_rate !== null) fail(`${path}.min_lr_rate`, 'give min_lr or min_lr_rate, not both (Hugging Face refuses both)');
  if (p.min_lr === null && p.min_lr_rate === null) fail(`${path}.min_lr`, 'required: give min_lr or min_lr_rate (Hugging Face refuses neither)');
}

/** min_lr is turned into a rate against the optimizer's default LR, which is η0. */
function minLrRate(p: { min_lr: number | null; min_lr_rate: number | null }, baseLr: number): number {
  return p.min_lr !== null ? p.min_lr / baseLr : p.min_lr_rate!;
}

export const cosine_with_min_lr = hf(
  'cosine_with_min_lr',
  minLrParams,
  (p, baseLr) => {
    const { num_warmup_steps: w, num_training_steps: t, num_cycles: c } = p;
    const rate = minLrRate(p, baseLr);
    return (n) => {
      if (n < w) return warmup(n, w);
      const progress = (n - w) / Math.max(1, t - w);
      const f = 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress));
      return Math.max(0, f * (1 - rate) + rate);
    };
  },
  (p, { path }) => checkMinLr(p, path),
);

export const cosine_warmup_with_min_lr = hf(
  'cosine_warmup_with_min_lr',
  { ...minLrParams, warmup_lr_rate: optional(nullable(number({ min: 0, max: 1 })), null) },
  (p, baseLr) => {
    const { num_warmup_steps: w, num_training_steps: t, num_cycles: c, warmup_lr_rate: wr } = p;
    const rate = minLrRate(p, baseLr);
    return (n) => {
      // This variant warms up to (n + 1)/W, one step ahead of the others, and decays from n − W + 1.
      if (n < w) return wr === null ? (n + 1.0) / Math.max(1.0, w) : wr + ((1.0 - wr) * n) / Math.max(1, w - 1);
      const progress = (n - w + 1.0) / Math.max(1.0, t - w);
      const f = 0.5 * (1.0 + Math.cos(Math.PI * c * 2.0 * progress));
      return Math.max(0, f * (1 - rate) + rate);
    };
  },
  (p, { path }) => checkMinLr(p, path),
);

export const reduce_lr_on_plateau = define({
  name: 'reduce_lr_on_plateau',
  family: 'huggingface',
  params: { ...plateauParams, ...warmupIgnored, ...trainingIgnored },
  needsBaseLr: never,
  compile: () => ({ kind: 'unverifiable', reason: PLATEAU_REASON }),
});

export const HUGGING_FACE = [
  linear,
  cosine,
  cosine_with_restarts,
  polynomial,
  constant,
  constant_with_warmup,
  inverse_sqrt,
  warmup_stable_decay,
  cosine_with_min_lr,
  cosine_warmup_with_min_lr,
  reduce_lr_on_plateau,
];
