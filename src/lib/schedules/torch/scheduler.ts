// A line-by-line model of torch.optim.lr_scheduler._LRScheduler (PyTorch 1.13), reduced to param
// group 0 and last_epoch=-1. Schedulers built on it are what SequentialLR and ChainedScheduler run:
// in PyTorch their children do not compute an LR from n, they rewrite the optimizer's current LR
// (the "chainable form"), each seeing what the others wrote, and each constructor already steps
// once. Only a faithful model reproduces the numbers those composites really give.
import { only, boolean, optional } from '../params';

/** The fields of optimizer.param_groups[0] that schedulers read and write. */
export interface ParamGroup {
  lr: number;
  /** Set once by the first scheduler built on the optimizer (OneCycleLR overwrites it). */
  initialLr?: number;
  /** Written by OneCycleLR and read back on every step, so a second OneCycleLR changes the first's. */
  maxLr?: number;
  minLr?: number;
}

export interface Steppable {
  step(): void;
}

export abstract class LRScheduler implements Steppable {
  lastEpoch = -1;
  protected stepCount = 0;
  protected baseLr = Number.NaN;

  constructor(protected readonly group: ParamGroup) {}

  /** `_LRScheduler.__init__`: subclasses call it where PyTorch calls `super().__init__()`. */
  protected init(): void {
    this.group.initialLr ??= this.group.lr;
    this.baseLr = this.group.initialLr;
    this.initialStep();
  }

  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** `step()` uses the chainable get_lr; `step(epoch)` the closed form where the class has one. */
  step(epoch?: number): void {
    this.stepCount += 1;
    if (epoch === undefined) {
      this.lastEpoch += 1;
      this.group.lr = this.getLr();
    } else {
      this.lastEpoch = epoch;
      this.group.lr = this.closedFormLr() ?? this.getLr();
    }
  }

  protected abstract getLr(): number;

  /** `_get_closed_form_lr`, or undefined for classes without one. */
  protected closedFormLr(): number | undefined {
    return undefined;
  }
}

/**
 * A scheduler whose LR is a function of its step count and base LR alone: LambdaLR (every Hugging
 * Face schedule) and Coqui's NoamLR. Its get_lr ignores what other schedulers wrote.
 */
export class FunctionScheduler extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly f: (n: number, baseLr: number) => number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    return this.f(this.lastEpoch, this.baseLr);
  }
}

/** Keywords every PyTorch scheduler takes that do not change the LR lrscope predicts. */
export const torchKeywords = {
  last_epoch: optional(only(-1, 'resuming a scheduler is not modelled; give the spec as it was built at the start of training (the points carry the step)'), -1),
  verbose: optional(boolean, false),
};
