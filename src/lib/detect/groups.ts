// Every parameter group must follow the schedule from its own starting LR (differential LRs for
// fine-tuning are correct). For a schedule that scales η0 (every group's LR is its own η0 times
// one factor of n), that is: group g's LR over group 0's stays constant. So each group costs one
// comparison per point, whatever the schedule, and group 0 alone is checked against the formula.
// A group added with add_param_group after the scheduler was built is the typical failure:
// LambdaLR and CosineAnnealingLR never touch it, and its LR stays where it started.
import type { Series } from './series';
import { close, type Tolerance } from './tolerance';

export interface GroupFailure {
  /** Param group index (1, 2, ...). */
  group: number;
  /** Index of the first point where the group's LR left its ratio to group 0's. */
  at: number;
  /** The LR the group should have had there (its ratio times group 0's), and had. */
  expected: number;
  actual: number;
  /** The group's LR never changed while group 0's did. */
  flat: boolean;
}

export class GroupCheck {
  private ratio = Number.NaN;
  private first = Number.NaN;
  private moved = false;
  next = 0;
  failure: GroupFailure | undefined;

  private readonly tol: Tolerance;

  constructor(
    /** 1 for the second group, ... */
    readonly group: number,
    /** Group 0's tolerance and the group's own (each may be printed with its own digits). */
    base: Tolerance,
    own: Tolerance,
  ) {
    // The ratio and each later value carry both rounding errors, twice.
    this.tol = { rtol: 2 * (base.rtol + own.rtol), atol: 2 * (base.atol + own.atol) };
  }

  /** Feeds points [next, upTo]; after a failure only flatness is still tracked. */
  feed(s: Series, upTo: number): void {
    const column = s.groups[this.group - 1];
    for (let i = this.next; i <= upTo; i++) {
      const lr = column[i];
      const base = s.lrs[i];
      if (Number.isNaN(lr)) continue;
      if (Number.isNaN(this.first)) this.first = lr;
      else if (lr !== this.first) this.moved = true;
      if (this.failure) {
        if (this.moved) this.failure.flat = false;
        continue;
      }
      if (Number.isNaN(this.ratio)) {
        if (base > 0) this.ratio = lr / base;
        continue;
      }
      const expected = this.ratio * base;
      if (!close(lr, expected, this.tol)) this.failure = { group: this.group, at: i, expected, actual: lr, flat: !this.moved };
    }
    this.next = upTo + 1;
  }
}
