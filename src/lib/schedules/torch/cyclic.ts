// CyclicLR (PyTorch 1.13): absolute rates between base_lr and max_lr; η0 plays no part.
import { define, never } from '../definition';
import { anything, boolean, nullable, number, oneOf, optional, perGroup, required } from '../params';
import { LRScheduler, torchKeywords, type ParamGroup } from './scheduler';

type Mode = 'triangular' | 'triangular2' | 'exp_range';

interface Cycle {
  totalSize: number;
  stepRatio: number;
  maxLr: number;
  mode: Mode;
  gamma: number;
}

function cyclicLr(c: Cycle, baseLr: number, n: number): number {
  const cycle = Math.floor(1 + n / c.totalSize);
  const x = 1 + n / c.totalSize - cycle;
  const scale = x <= c.stepRatio ? x / c.stepRatio : (x - 1) / (c.stepRatio - 1);
  const height = (c.maxLr - baseLr) * scale;
  // Without a custom scale_fn, mode alone decides whether the scale follows the cycle or n.
  if (c.mode === 'triangular') return baseLr + height * 1;
  if (c.mode === 'triangular2') return baseLr + height * (1 / 2 ** (cycle - 1));
  return baseLr + height * c.gamma ** n;
}

class CyclicLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    private readonly cycle: Cycle,
    baseLr: number,
  ) {
    super(group);
    group.lr = baseLr;
    this.init();
    // PyTorch assigns base_lrs only after the initial step, which used initial_lr: when another
    // scheduler was built first, n=0 gives η0, not base_lr.
    this.baseLr = baseLr;
  }

  protected getLr(): number {
    return cyclicLr(this.cycle, this.baseLr, this.lastEpoch);
  }
}

export const CyclicLR = define({
  name: 'CyclicLR',
  family: 'pytorch',
  params: {
    base_lr: required(perGroup(number({ min: 0 }))),
    max_lr: required(perGroup(number({ min: 0 }))),
    step_size_up: optional(number({ above: 0 }), 2000),
    step_size_down: optional(nullable(number({ min: 0 })), null),
    mode: optional(oneOf('triangular', 'triangular2', 'exp_range'), 'triangular'),
    gamma: optional(number(), 1.0),
    scale_fn: optional(anything, null),
    scale_mode: optional(oneOf('cycle', 'iterations'), 'cycle'),
    cycle_momentum: optional(boolean, true),
    base_momentum: optional(perGroup(number()), 0.8),
    max_momentum: optional(perGroup(number()), 0.9),
    ...torchKeywords,
  },
  needsBaseLr: never,
  compile: (p) => {
    if (p.scale_fn !== null) {
      return { kind: 'unverifiable', reason: 'CyclicLR with a custom scale_fn takes its LR from your own Python function, which lrscope cannot run, so this schedule is not checked.' };
    }
    const up = p.step_size_up;
    const down = p.step_size_down ?? up;
    const cycle: Cycle = { totalSize: up + down, stepRatio: up / (up + down), maxLr: p.max_lr, mode: p.mode, gamma: p.gamma };
    return {
      kind: 'verifiable',
      designInterval: 'step',
      lrAt: (n) => cyclicLr(cycle, p.base_lr, n),
      construct: (group) => new CyclicLRModel(group, cycle, p.base_lr),
    };
  },
});
