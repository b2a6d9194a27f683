// StepLR, MultiStepLR, ExponentialLR (PyTorch 1.13): η0 multiplied by gamma at drops.
// Alone they are evaluated in PyTorch's own closed form (_get_closed_form_lr), which equals the
// recursive form step() uses to within a few ulps; inside composites the recursive form runs.
import { bisectRight } from '../bisect';
import { always, define } from '../definition';
import { integer, list, number, optional, required } from '../params';
import { LRScheduler, torchKeywords, type ParamGroup } from './scheduler';

const gamma = number({ min: 0 });

class StepLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly stepSize: number,
    private readonly gamma: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.group.lr;
    return this.group.lr * this.gamma;
  }

  protected closedFormLr(): number {
    return this.baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
  }
}

export const StepLR = define({
  name: 'StepLR',
  family: 'pytorch',
  params: { step_size: required(integer({ min: 1 })), gamma: optional(gamma, 0.1), ...torchKeywords },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    // ** costs ~50 ns here; consecutive n mostly share their number of drops, so the last is kept.
    let drops = 0;
    let lr = baseLr;
    return {
      kind: 'verifiable',
      designInterval: 'either',
      lrAt: (n) => {
        const k = Math.floor(n / p.step_size);
        if (k !== drops) {
          drops = k;
          lr = baseLr * p.gamma ** k;
        }
        return lr;
      },
      construct: (group) => new StepLRModel(group, p.step_size, p.gamma),
    };
  },
});

/** Milestones are a multiset (PyTorch keeps a Counter): one listed twice drops the LR by gamma² there. */
class MultiStepLRModel extends LRScheduler {
  private readonly counts = new Map<number, number>();
  private readonly sorted: number[];

  constructor(
    group: ParamGroup,
    milestones: readonly number[],
    private readonly gamma: number,
  ) {
    super(group);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.sorted = [...milestones].sort((a, b) => a - b);
    this.init();
  }

  protected getLr(): number {
    const k = this.counts.get(this.lastEpoch);
    if (k === undefined) return this.group.lr;
    return this.group.lr * this.gamma ** k;
  }

  protected closedFormLr(): number {
    return this.baseLr * this.gamma ** bisectRight(this.sorted, this.lastEpoch);
  }
}

export const MultiStepLR = define({
  name: 'MultiStepLR',
  family: 'pytorch',
  params: { milestones: required(list(integer({ min: 0 }))), gamma: optional(gamma, 0.1), ...torchKeywords },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    const sorted = [...p.milestones].sort((a, b) => a - b);
    const byDrops = sorted.map((_, k) => baseLr * p.gamma ** k).concat(baseLr * p.gamma ** sorted.length);
    return {
      kind: 'verifiable',
      designInterval: 'either',
      lrAt: (n) => byDrops[bisectRight(sorted, n)],
      construct: (group) => new MultiStepLRModel(group, p.milestones, p.gamma),
    };
  },
});

class ExponentialLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly gamma: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0) return this.group.lr;
    return this.group.lr * this.gamma;
  }

  protected closedFormLr(): number {
    return this.baseLr * this.gamma ** this.lastEpoch;
  }
}

export const ExponentialLR = define({
  name: 'ExponentialLR',
  family: 'pytorch',
  params: { gamma: required(gamma), ...torchKeywords },
  needsBaseLr: always,
  compile: (p, { baseLr }) => ({
    kind: 'verifiable',
    designInterval: 'either',
    lrAt: (n) => baseLr * p.gamma ** n,
    construct: (group) => new ExponentialLRModel(group, p.gamma),
  }),
});
