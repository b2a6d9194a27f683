// ConstantLR, LinearLR, PolynomialLR (PyTorch 1.13): η0 times a factor that moves over
// total_iters steps and then stays. Alone they are evaluated in closed form that follows the
// sequence step() produces, including its total_iters=0 quirks; inside composites the recursive
// form runs.
import { always, define } from '../definition';
import { integer, number, optional } from '../params';
import { LRScheduler, torchKeywords, type ParamGroup } from './scheduler';

const totalIters = optional(integer({ min: 0 }), 5);

class ConstantLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly factor: number,
    private readonly totalIters: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0) return this.group.lr * this.factor;
    if (this.lastEpoch > this.totalIters || this.lastEpoch !== this.totalIters) return this.group.lr;
    return this.group.lr * (1.0 / this.factor);
  }

  protected closedFormLr(): number {
    return this.baseLr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor));
  }
}

export const ConstantLR = define({
  name: 'ConstantLR',
  family: 'pytorch',
  params: {
    // PyTorch accepts 0 and then divides by it at total_iters.
    factor: optional(number({ above: 0, max: 1 }), 1.0 / 3),
    total_iters: totalIters,
    ...torchKeywords,
  },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    const low = baseLr * p.factor;
    // step() multiplies by factor at n=0 and by 1/factor at n == total_iters; with total_iters=0
    // the n=0 branch wins and the factor is never undone.
    const restored = p.total_iters === 0 ? low : low * (1.0 / p.factor);
    return {
      kind: 'verifiable',
      designInterval: 'either',
      lrAt: (n) => (n < p.total_iters ? low : restored),
      construct: (group) => new ConstantLRModel(group, p.factor, p.total_iters),
    };
  },
});

class LinearLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly startFactor: number,
    private readonly endFactor: number,
    private readonly totalIters: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0) return this.group.lr * this.startFactor;
    if (this.lastEpoch > this.totalIters) return this.group.lr;
    const { startFactor: s, endFactor: e, totalIters: t } = this;
    return this.group.lr * (1 + (e - s) / (t * s + (this.lastEpoch - 1) * (e - s)));
  }

  protected closedFormLr(): number {
    const { startFactor: s, endFactor: e, totalIters: t } = this;
    return this.baseLr * (s + ((e - s) * Math.min(t, this.lastEpoch)) / t);
  }
}

export const LinearLR = define({
  name: 'LinearLR',
  family: 'pytorch',
  params: {
    // PyTorch accepts 0 and then divides by zero at n=1.
    start_factor: optional(number({ above: 0, max: 1 }), 1.0 / 3),
    end_factor: optional(number({ min: 0, max: 1 }), 1.0),
    total_iters: totalIters,
    ...torchKeywords,
  },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    const { start_factor: s, end_factor: e, total_iters: t } = p;
    return {
      kind: 'verifiable',
      designInterval: 'either',
      // With total_iters=0, step() applies start_factor at n=0 and never moves again.
      lrAt: t === 0 ? () => baseLr * s : (n) => baseLr * (s + ((e - s) * Math.min(t, n)) / t),
      construct: (group) => new LinearLRModel(group, s, e, t),
    };
  },
});

class PolynomialLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly totalIters: number,
    private readonly power: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    const n = this.lastEpoch;
    const t = this.totalIters;
    if (n === 0 || n > t) return this.group.lr;
    const decay = ((1.0 - n / t) / (1.0 - (n - 1) / t)) ** this.power;
    return this.group.lr * decay;
  }

  protected closedFormLr(): number {
    return this.baseLr * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power;
  }
}

export const PolynomialLR = define({
  name: 'PolynomialLR',
  family: 'pytorch',
  params: { total_iters: totalIters, power: optional(number({ min: 0 }), 1.0), ...torchKeywords },
  needsBaseLr: always,
  compile: (p, { baseLr }) => ({
    kind: 'verifiable',
    designInterval: 'either',
    // With total_iters=0 step() never changes the LR.
    lrAt: p.total_iters === 0 ? () => baseLr : (n) => baseLr * (1.0 - Math.min(p.total_iters, n) / p.total_iters) ** p.power,
    construct: (group) => new PolynomialLRModel(group, p.total_iters, p.power),
  }),
});

/** Whether PyTorch's closed form for this scheduler divides by zero (SequentialLR calls it at a milestone). */
export function closedFormDividesByZero(name: string, params: Record<string, unknown>): boolean {
  return (name === 'LinearLR' || name === 'PolynomialLR') && params.total_iters === 0;
}
