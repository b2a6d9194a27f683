// The ways a correct run's LR may depart from the spec without anything being wrong: a constant
// LR scale (linear scaling by world size or batch size, a spec whose baseLr is not the
// optimizer's), an off-by-one read (the LR read before or after scheduler.step()), and a
// scheduler running a few steps ahead of the optimizer (mixed precision's GradScaler skips
// optimizer.step() on inf/NaN gradients while scheduler.step() still runs: an offset that grows
// in jumps and stays small). One tracker fits one clock with these allowances, point by point;
// it dies at the first point they cannot explain. Each allowance that was used becomes a warning.
import { formatStep } from '../ui/format';
import { fitAt, type Hypothesis, type LrAt } from './hypotheses';
import type { Mapping } from './mapping';
import type { Series } from './series';
import { close, type Tolerance } from './tolerance';

export interface IntendedOptions {
  map: Mapping;
  f: LrAt;
  tol: Tolerance;
  /** A scale known in advance (1, or read where the schedule starts flat); undefined: fit it at the first point that shows it. */
  scale?: number;
  /** Whether the scheduler may drift ahead of (or behind) the optimizer's step count. */
  drift: boolean;
  /**
   * Where a fitted scale is read: at n (0), or one step after (+1) or before (−1), for a scaled
   * run whose LR is also read off by one (Hugging Face logs the LR after scheduler.step()).
   */
  scaleAt?: -1 | 0 | 1;
  /**
   * Round the fitted scale to the nearest round factor (k, 1/k, k/2^j, √k: world sizes, batch
   * size ratios, the square-root rule), when within 0.1% of it. The first point can carry an
   * unknown drift (steps skipped before it), so the raw ratio is a hair off the real factor.
   */
  snap?: boolean;
}

/**
 * The largest drift between the scheduler's and the optimizer's counts tolerated at step s, ahead
 * (sign 1) or behind (−1). GradScaler skips a burst of steps at the start (each halving its
 * scale, from 2^16 down to one that fits) and then at most about one per growth_interval (2,000
 * steps); this allows twice that. Behind is held tighter: a scheduler that stopped advancing
 * looks like one falling behind, and must be flagged soon after the LR should have moved.
 */
export function maxDrift(step: number, sign: 1 | -1): number {
  return (sign > 0 ? 16 : 8) + Math.floor(step / 1000);
}

export class Intended implements Hypothesis {
  alive = true;
  next = 0;
  scale: number;
  private scaleKnown: boolean;
  /** Optimizer steps the scheduler is ahead (> 0) or behind (< 0). */
  drift = 0;
  /** Step at which the drift reached its current value. */
  driftStep = 0;
  softBefore = 0;
  softAfter = 0;
  /** Index of the first point the tracker explained only with an allowance (drift), or −1. */
  firstDeparture = -1;
  /** A fitted scale that came out as the spec's: this tracker would repeat another one, so it stops (not a miss). */
  redundant = false;
  /** Index where the tracker died, and the start of the run of soft points just before it. */
  firstMiss = -1;
  firstBad = -1;
  private runStart = -1;

  constructor(
    readonly options: IntendedOptions,
    /** Trackers of the same clock built before this one: a fitted scale one of them already has makes this one redundant. */
    private readonly twins: readonly Intended[] = [],
  ) {
    this.scale = options.scale ?? 1;
    this.scaleKnown = options.scale !== undefined;
  }

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const { map, f, tol } = this.options;
    if (!this.scaleKnown) {
      this.learnScale(i, s);
      if (this.redundant) return;
    }
    const fit = fitAt(f, map, this.scale, tol, s, i, 0, this.drift);
    if (fit === 'skip') return;
    if (fit === 'strict') {
      this.runStart = -1;
      return;
    }
    if (fit === 'soft') {
      const step = s.steps[i] + this.drift;
      const after = close(s.lrs[i], this.scale * f(Math.max(0, map.at(step, s.epochs[i], 1, s.counts[i]))), tol);
      // One more step of a drift already under way is the drift growing, not an off-by-one read.
      const sign = after ? 1 : -1;
      if (this.drift * sign > 0 && Math.abs(this.drift) < maxDrift(s.steps[i], sign)) {
        this.drift += sign;
        this.driftStep = s.steps[i];
        this.runStart = -1;
        return;
      }
      if (this.runStart < 0) this.runStart = i;
      if (after) this.softAfter++;
      else this.softBefore++;
      return;
    }
    if (this.runStart < 0) this.runStart = i;
    if (this.options.drift && map.inSteps && this.redrift(i, s)) return;
    this.alive = false;
    this.firstMiss = i;
    this.firstBad = this.firstDeparture >= 0 ? Math.min(this.firstDeparture, this.runStart) : this.runStart;
  }

  /** The LR fits a larger drift, in the direction it has drifted so far, within maxDrift. */
  private redrift(i: number, s: Series): boolean {
    const step = s.steps[i];
    const { map, f, tol } = this.options;
    for (const sign of this.drift > 0 ? ([1] as const) : this.drift < 0 ? ([-1] as const) : ([1, -1] as const)) {
      const limit = maxDrift(step, sign);
      for (let d = Math.abs(this.drift) + 1; d <= limit; d++) {
        if (fitAt(f, map, this.scale, tol, s, i, 0, sign * d) !== 'strict') continue;
        if (this.firstDeparture < 0) this.firstDeparture = this.runStart;
        this.drift = sign * d;
        this.driftStep = step;
        this.runStart = -1;
        return true;
      }
    }
    return false;
  }

  /** The scale, from the first point where both the schedule and the LR are positive. */
  private learnScale(i: number, s: Series): void {
    const { map, f, tol } = this.options;
    const n = map.at(s.steps[i], s.epochs[i], this.options.scaleAt ?? 0, s.counts[i]);
    if (Number.isNaN(n)) return;
    const expected = f(Math.max(0, n));
    if (!(expected > 0) || !(s.lrs[i] > 0)) return;
    this.scaleKnown = true;
    let ratio = s.lrs[i] / expected;
    if (this.options.snap) {
      const round = roundFactor(ratio);
      // Nothing round nearby, or the raw ratio already is: the raw tracker covers it.
      if (round === undefined || round === ratio) ratio = 1;
      else ratio = round;
    }
    if (close(ratio, 1, tol) || this.twins.some((t) => t.alive && t.scaleKnown && close(t.scale, ratio, tol))) {
      this.redundant = true;
      this.alive = false;
      return;
    }
    this.scale = ratio;
  }

  /** What the allowances used say about the run. */
  warnings(baseLr: number): string[] {
    const out: string[] = [];
    if (this.scale !== 1) {
      out.push(
        `The logged LR is ${fmt(this.scale)}× what the schedule gives for baseLr ${fmt(baseLr)}, at every point: a constant scale (linear scaling by world size or batch size?). Tolerated; set baseLr to ${fmt(baseLr * this.scale)} in the spec to silence this, or check that the logged LR is param group 0's.`,
      );
    }
    if (this.drift !== 0) out.push(driftWarning(this.drift, this.driftStep));
    if (this.softBefore + this.softAfter >= 2) {
      out.push(
        this.softAfter >= this.softBefore
          ? 'The LR runs one step ahead of the schedule: scheduler.step() is probably called before optimizer.step(), or the LR is read after it. Harmless, but PyTorch warns about it.'
          : 'The LR lags the schedule by one step: it is probably read before scheduler.step() runs. Harmless.',
      );
    }
    return out;
  }
}

const ROUND_FACTORS: number[] = (() => {
  const out = new Set<number>();
  for (let k = 1; k <= 1024; k++) {
    out.add(Math.sqrt(k));
    for (let j = 0; j <= 4; j++) {
      out.add(k / 2 ** j);
      out.add(2 ** j / k);
    }
  }
  return [...out].sort((a, b) => a - b);
})();

/** The round factor within 0.1% of x, if any. */
export function roundFactor(x: number): number | undefined {
  let lo = 0;
  let hi = ROUND_FACTORS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ROUND_FACTORS[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  let best: number | undefined;
  for (const c of [ROUND_FACTORS[lo - 1], ROUND_FACTORS[lo]]) {
    if (c !== undefined && Math.abs(c / x - 1) <= 1e-3 && (best === undefined || Math.abs(c - x) < Math.abs(best - x))) best = c;
  }
  return best;
}

/** The offset between the scheduler's count and the optimizer's steps, in words. */
export function driftWarning(drift: number, since: number): string {
  const d = Math.abs(drift);
  const steps = `${formatStep(d)} step${d === 1 ? '' : 's'}`;
  return drift > 0
    ? `The scheduler is ${steps} ahead of the optimizer (since step ${formatStep(since)}): optimizer steps were skipped while scheduler.step() still ran, as mixed precision's GradScaler does on inf/NaN gradients. Tolerated while the offset stays small.`
    : `The scheduler is ${steps} behind the optimizer (since step ${formatStep(since)}): scheduler.step() was skipped with some optimizer steps, as trainers do when mixed precision skips the optimizer step. Tolerated while the offset stays small.`;
}

export function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}
