// The hypotheses a detector fits to the logged LR once the intended schedule stops explaining
// it. Each is fed the points in step order and dies at the first point it cannot explain, so
// the ones still alive at the end are the explanations that fit every point.
import type { Mapping } from './mapping';
import type { Series } from './series';
import { close, type Tolerance } from './tolerance';

export type Fit = 'strict' | 'soft' | 'miss' | 'skip';

/** The schedule's LR as a function of n, with n clamped at 0 (the state right after construction). */
export type LrAt = (n: number) => number;

/** Does lr equal scale·f(n) at this point, or at one optimizer step either side? */
export function fitAt(f: LrAt, map: Mapping, scale: number, tol: Tolerance, step: number, epoch: number, lr: number, origin = 0): Fit {
  const n = map.at(step, epoch, 0) - origin;
  if (Number.isNaN(n)) return 'skip';
  if (close(lr, scale * f(Math.max(0, n)), tol)) return 'strict';
  if (close(lr, scale * f(Math.max(0, map.at(step, epoch, -1) - origin)), tol) || close(lr, scale * f(Math.max(0, map.at(step, epoch, 1) - origin)), tol)) return 'soft';
  return 'miss';
}

export interface Hypothesis {
  alive: boolean;
  /** Index of the next point to feed: a hypothesis may lag while a likelier one explains the run. */
  next: number;
  feed(i: number, s: Series): void;
}

/** The schedule runs, but on another clock (per epoch, per step, k× per step). */
export class FollowsMapping implements Hypothesis {
  alive = true;
  next = 0;
  /** Whether this clock made the schedule change within the data (a flat prediction proves little). */
  moved = false;
  private first: number | undefined;

  constructor(
    readonly map: Mapping,
    private readonly f: LrAt,
    private readonly scale: number,
    private readonly tol: Tolerance,
  ) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const fit = fitAt(this.f, this.map, this.scale, this.tol, s.steps[i], s.epochs[i], s.lrs[i]);
    if (fit === 'miss') this.alive = false;
    if (fit === 'skip') return;
    if (this.first === undefined) this.first = s.lrs[i];
    else if (!close(s.lrs[i], this.first, this.tol)) this.moved = true;
  }
}

/** The LR never moves: never stepped, stepped too rarely to matter, or pinned by hand. */
export class Flat implements Hypothesis {
  alive = true;
  next = 0;
  value: number | undefined;

  constructor(private readonly tol: Tolerance) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    if (this.value === undefined) this.value = s.lrs[i];
    else if (!close(s.lrs[i], this.value, this.tol)) this.alive = false;
  }
}

/**
 * The schedule starts over, once (a resume without the scheduler's state) or again and again (a
 * scheduler re-created each epoch). A closed-form scheduler jumps back to its first LR; a
 * chainable one (StepLR, CosineAnnealingLR, ...) re-created over the same optimizer continues
 * from the current LR with its counter reset: no jump, but the curve rescaled from there, which
 * the next point must confirm.
 */
export class Restarts implements Hypothesis {
  alive = true;
  next = 0;
  readonly origins: number[] = [];
  private origin = 0;
  private originN = 0;
  private scale: number;
  private unconfirmed = false;

  constructor(
    private readonly map: Mapping,
    private readonly f: LrAt,
    private readonly baseScale: number,
    private readonly tol: Tolerance,
    /** Optimizer steps per epoch, when known: a re-created scheduler restarts at an epoch's first step. */
    private readonly epochLength: number | undefined,
  ) {
    this.scale = baseScale;
  }

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const step = s.steps[i];
    const epoch = s.epochs[i];
    const lr = s.lrs[i];
    const fit = fitAt(this.f, this.map, this.scale, this.tol, step, epoch, lr, this.originN);
    if (fit === 'skip') return;
    if (fit !== 'miss') {
      this.unconfirmed = false;
      return;
    }
    if (this.unconfirmed) {
      this.alive = false;
      return;
    }
    const candidates = [step];
    if (this.epochLength) {
      const epochStart = Math.floor(step / this.epochLength) * this.epochLength;
      if (epochStart > this.origin && epochStart < step) candidates.unshift(epochStart);
    }
    for (const origin of candidates) {
      const originN = this.map.at(origin, epoch, 0);
      const expected = this.f(Math.max(0, this.map.at(step, epoch, 0) - originN));
      if (close(lr, this.baseScale * expected, this.tol)) {
        this.restartAt(origin, originN, this.baseScale, false);
        return;
      }
      // A re-created chainable scheduler keeps the optimizer's current LR: no jump at the restart.
      if (expected > 0 && origin === step && i > 0 && close(lr, s.lrs[i - 1], this.tol)) {
        this.restartAt(origin, originN, lr / expected, true);
        return;
      }
    }
    this.alive = false;
  }

  private restartAt(origin: number, originN: number, scale: number, unconfirmed: boolean): void {
    this.origin = origin;
    this.originN = originN;
    this.scale = scale;
    this.unconfirmed = unconfirmed;
    this.origins.push(origin);
  }
}

/**
 * The LR follows the schedule until `from`, then is set by hand: pinned at one value, or set once
 * with a chainable schedule carrying on from there (the curve rescaled).
 */
export class Overridden implements Hypothesis {
  alive = true;
  next = 0;
  pinned = true;
  rescaled = true;
  value = Number.NaN;
  private factor = Number.NaN;

  constructor(
    private readonly map: Mapping,
    private readonly f: LrAt,
    private readonly scale: number,
    private readonly tol: Tolerance,
    /** Index of the first point the schedule does not explain. */
    private readonly from: number,
  ) {}

  feed(i: number, s: Series): void {
    if (!this.alive || i < this.from) return;
    const lr = s.lrs[i];
    if (i === this.from) {
      this.value = lr;
      const expected = this.scale * this.f(Math.max(0, this.map.at(s.steps[i], s.epochs[i], 0)));
      this.factor = expected > 0 ? lr / expected : Number.NaN;
      this.rescaled = Number.isFinite(this.factor);
      return;
    }
    if (this.pinned && !close(lr, this.value, this.tol)) this.pinned = false;
    if (this.rescaled && fitAt(this.f, this.map, this.scale * this.factor, this.tol, s.steps[i], s.epochs[i], lr) === 'miss') this.rescaled = false;
    this.alive = this.pinned || this.rescaled;
  }
}
