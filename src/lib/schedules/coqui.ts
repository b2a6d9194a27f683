// Coqui's StepwiseGradualLR and NoamLR, step-based by design.
//
// Two code bases are in use and differ at the edges; a spec picks one with the lrscope-only param
// `variant` (not a constructor keyword):
// - "coqui" (default), the original: coqui-ai/Trainer trainer/torch.py (read at commit
//   2b9b14e27abf74d600dcf875769b7bc340b08aad; the same classes are in coqui-ai/TTS
//   TTS/utils/training.py). Both schedulers clamp the step to max(n, 1).
// - "idiap", the maintained fork: idiap/coqui-ai-Trainer trainer/torch.py (the version that imports
//   is_pytorch_at_least_2_4 from trainer/generic_utils.py). NoamLR uses n + 1; StepwiseGradualLR
//   only sets a rate when n equals a threshold and leaves the optimizer's LR alone before the first.
// Where the two agree (thresholds starting at 0 with the second above 1) the variant changes
// nothing; NoamLR's one-step shift is for the detector's off-by-one tolerance to absorb.
import { bisectRight } from './bisect';
import { always, define } from './definition';
import { fail, integer, list, number, oneOf, optional, pair, required } from './params';
import { FunctionScheduler, LRScheduler, torchKeywords, type ParamGroup } from './torch/scheduler';

const variant = optional(oneOf('coqui', 'idiap'), 'coqui');

/** Index of the last threshold ≤ step; −1 when none is. */
function lastAtMost(thresholds: readonly number[], step: number): number {
  return bisectRight(thresholds, step) - 1;
}

function originalStepwise(thresholds: readonly number[], rates: readonly number[]): (n: number) => number {
  const last = thresholds.length - 1;
  return (n) => {
    const step = Math.max(n, 1);
    let lr = rates[lastAtMost(thresholds, step)];
    if (step > thresholds[last]) lr = rates[last];
    if (step < thresholds[1]) lr = rates[0];
    return lr;
  };
}

class ForkStepwiseModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly thresholds: readonly number[],
    private readonly rates: readonly number[],
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    const i = this.thresholds.indexOf(this.lastEpoch);
    return i < 0 ? this.group.lr : this.rates[i];
  }

  protected closedFormLr(): number {
    const i = lastAtMost(this.thresholds, this.lastEpoch);
    return this.rates[Math.max(0, Math.min(i, this.rates.length - 1))];
  }
}

export const StepwiseGradualLR = define({
  name: 'StepwiseGradualLR',
  family: 'coqui',
  params: {
    gradual_learning_rates: required(list(pair(integer({ min: 0 }), number({ min: 0 })), { minLength: 1, what: 'a list of [step, lr] pairs' })),
    variant,
    last_epoch: torchKeywords.last_epoch,
  },
  check: (p, { path }) => {
    const at = `${path}.gradual_learning_rates`;
    const thresholds = p.gradual_learning_rates.map(([t]) => t);
    for (let i = 1; i < thresholds.length; i++) {
      if (thresholds[i] <= thresholds[i - 1]) fail(`${at}[${i}][0]`, `must be greater than the step before it (${thresholds[i - 1]}): thresholds are looked up in order`);
    }
    if (p.variant === 'coqui') {
      if (thresholds.length < 2) fail(at, 'must have at least 2 [step, lr] pairs: the original StepwiseGradualLR reads the second threshold (use variant "idiap" for the fork, which takes one)');
      if (thresholds[0] > 1) fail(`${at}[0][0]`, 'must be 0 or 1: the original StepwiseGradualLR raises UnboundLocalError at any step below the first threshold (use variant "idiap" for the fork, which keeps the optimizer\'s LR until then)');
    }
  },
  // Rates are absolute; only the fork falls back to the optimizer's LR before its first threshold.
  needsBaseLr: (p) => p.variant === 'idiap' && p.gradual_learning_rates[0][0] > 0,
  compile: (p, { baseLr }) => {
    const thresholds = p.gradual_learning_rates.map(([t]) => t);
    const rates = p.gradual_learning_rates.map(([, r]) => r);
    if (p.variant === 'idiap') {
      return {
        kind: 'verifiable',
        designInterval: 'step',
        lrAt: (n) => {
          const i = lastAtMost(thresholds, n);
          return i < 0 ? baseLr : rates[i];
        },
        construct: (group) => new ForkStepwiseModel(group, thresholds, rates),
      };
    }
    const f = originalStepwise(thresholds, rates);
    return { kind: 'verifiable', designInterval: 'step', lrAt: f, construct: (group) => new FunctionScheduler(group, (n) => f(n)) };
  },
});

export const NoamLR = define({
  name: 'NoamLR',
  family: 'coqui',
  params: { warmup_steps: optional(number({ above: 0 }), 0.1), variant, last_epoch: torchKeywords.last_epoch },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    const w = p.warmup_steps;
    const f =
      p.variant === 'idiap'
        ? (n: number, base: number) => {
            const step = n + 1;
            return base * (w ** 0.5 * Math.min(step * w ** -1.5, step ** -0.5));
          }
        : (n: number, base: number) => {
            const step = Math.max(n, 1);
            return base * w ** 0.5 * Math.min(step * w ** -1.5, step ** -0.5);
          };
    return { kind: 'verifiable', designInterval: 'step', lrAt: (n) => f(n, baseLr), construct: (group) => new FunctionScheduler(group, f) };
  },
});
