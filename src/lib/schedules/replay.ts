// Schedules PyTorch computes recursively (CosineAnnealingLR, SequentialLR, ChainedScheduler) are
// evaluated by replaying the scheduler model step by step and keeping every LR it produced, so a
// detector that asks for a million n pays for each step once and then reads an array
// (amortized O(1) per lrAt). Memory is 8 bytes per step up to the largest n asked, capped: past
// the cap the replay runs on without storing, forward-only.
import type { ParamGroup, Steppable } from './torch/scheduler';

/** 4,194,304 steps (32 MB): more than any run lrscope plots point by point. */
export const DENSE_LIMIT = 1 << 22;

interface Cursor {
  /** The LR after `n` steps. */
  n: number;
  group: ParamGroup;
  scheduler: Steppable;
}

export class ReplayedSequence {
  private values: Float64Array;
  private length = 0;
  private cursor: Cursor;

  constructor(
    private readonly start: () => { group: ParamGroup; scheduler: Steppable },
    private readonly denseLimit = DENSE_LIMIT,
  ) {
    this.values = new Float64Array(Math.min(1024, denseLimit));
    this.cursor = { n: 0, ...start() };
    this.values[0] = this.cursor.group.lr;
    this.length = 1;
  }

  /** The LR after n steps (n a non-negative integer). */
  at(n: number): number {
    if (n < this.length) return this.values[n];
    if (n < this.denseLimit) {
      this.fill(n);
      return this.values[n];
    }
    return this.beyond(n);
  }

  /** Extends the stored prefix through n; the cursor always sits at its last entry here. */
  private fill(n: number): void {
    if (n >= this.values.length) {
      const grown = new Float64Array(Math.min(this.denseLimit, Math.max(n + 1, this.values.length * 2)));
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    const c = this.cursor;
    const values = this.values;
    for (let i = this.length; i <= n; i++) {
      c.scheduler.step();
      c.n = i;
      values[i] = c.group.lr;
    }
    this.length = n + 1;
  }

  private beyond(n: number): number {
    if (this.length < this.denseLimit) this.fill(this.denseLimit - 1);
    // Going back behind the cursor means replaying from the start: the scheduler's state cannot be rewound.
    if (n < this.cursor.n) this.cursor = { n: 0, ...this.start() };
    const c = this.cursor;
    while (c.n < n) {
      c.scheduler.step();
      c.n += 1;
    }
    return c.group.lr;
  }
}

/** lrAt for a scheduler model, replayed from a fresh optimizer whose LR is η0. */
export function replay(construct: (group: ParamGroup) => Steppable, baseLr: number, denseLimit = DENSE_LIMIT): (n: number) => number {
  const sequence = new ReplayedSequence(() => {
    const group: ParamGroup = { lr: baseLr };
    return { group, scheduler: construct(group) };
  }, denseLimit);
  return (n) => sequence.at(n);
}
