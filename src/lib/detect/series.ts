// The logged LR series a detector reasons over, in typed arrays so a 1,000,000-point run costs
// 32 MB (more with several param groups) and appending a batch costs time proportional to the
// batch. Points usually arrive in step order; when one does not, the series is re-sorted (and
// the detector re-evaluates).

export interface LoggedPoint {
  step: number;
  /** The trainer's epoch counter (may be fractional, as Hugging Face logs it). */
  epoch?: number;
  /** LR of param group 0. */
  lr?: number;
  /** LRs of all param groups; lrs[0] stands in for a missing lr. */
  lrs?: number[];
  loss?: number;
  /** The value scheduler.step(metric) was given right after this step (ReduceLROnPlateau). */
  schedulerMetric?: number;
  /** The scheduler's own counter (last_epoch) when the LR was read. */
  schedulerStep?: number;
}

/** Param groups beyond this many are not checked (the API allows far more than real optimizers use). */
export const MAX_CHECKED_GROUPS = 16;

export class Series {
  steps = new Float64Array(1024);
  lrs = new Float64Array(1024);
  /** NaN where the point carried no epoch. */
  epochs = new Float64Array(1024);
  /** The scheduler's counter; NaN where the point carried none. */
  counts = new Float64Array(1024);
  /** LRs of param groups 1, 2, ...: groups[g - 1][i], NaN where the point did not carry that group. */
  groups: Float64Array[] = [];
  length = 0;
  /** False once a point arrived out of step order (or repeated a step) since the last sort. */
  sorted = true;

  /** Appends the points that carry an LR; returns how many were kept. */
  append(points: readonly LoggedPoint[]): number {
    let kept = 0;
    // Room for the whole batch at once: a million points cost one copy per column, not twenty.
    if (this.length + points.length > this.steps.length) this.grow(this.length + points.length);
    for (const p of points) {
      const lr = p.lr ?? p.lrs?.[0];
      if (lr === undefined || !Number.isFinite(lr)) continue;
      const i = this.length++;
      if (i > 0 && p.step <= this.steps[i - 1]) this.sorted = false;
      this.steps[i] = p.step;
      this.lrs[i] = lr;
      this.epochs[i] = p.epoch ?? Number.NaN;
      this.counts[i] = p.schedulerStep ?? Number.NaN;
      const lrs = p.lrs;
      const extra = lrs ? Math.min(lrs.length, MAX_CHECKED_GROUPS) - 1 : 0;
      while (this.groups.length < extra) this.groups.push(new Float64Array(this.steps.length).fill(Number.NaN));
      for (let g = 0; g < this.groups.length; g++) this.groups[g][i] = g < extra ? lrs![g + 1] : Number.NaN;
      kept++;
    }
    return kept;
  }

  /** Sorts by step; of several points with one step, the last one sent wins (the store keeps one per step). */
  sort(): void {
    if (this.sorted) return;
    const order = Array.from({ length: this.length }, (_, i) => i);
    order.sort((a, b) => this.steps[a] - this.steps[b] || b - a);
    const columns = [this.steps, this.lrs, this.epochs, this.counts, ...this.groups];
    const sorted = columns.map(() => new Float64Array(this.steps.length));
    let n = 0;
    for (const i of order) {
      if (n > 0 && sorted[0][n - 1] === this.steps[i]) continue;
      for (let c = 0; c < columns.length; c++) sorted[c][n] = columns[c][i];
      n++;
    }
    [this.steps, this.lrs, this.epochs, this.counts, ...this.groups] = sorted;
    this.length = n;
    this.sorted = true;
  }

  private grow(needed: number): void {
    // Powers of two: a run growing batch by batch copies its columns a logarithmic number of times.
    const size = 2 ** Math.ceil(Math.log2(Math.max(needed, this.steps.length * 2)));
    // No fill: append writes every column of every point it keeps (a group's column starts NaN).
    const copy = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.steps = copy(this.steps);
    this.lrs = copy(this.lrs);
    this.epochs = copy(this.epochs);
    this.counts = copy(this.counts);
    this.groups = this.groups.map(copy);
  }
}
