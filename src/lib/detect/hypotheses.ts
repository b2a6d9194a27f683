// The hypotheses a detector fits to the logged LR once the intended schedule stops explaining
// it. Each is fed the points in step order and dies at the first point it cannot explain, so
// the ones still alive at the end are the explanations that fit every point.
import type { Mapping } from './mapping';
import type { Series } from './series';
import { close, type Tolerance } from './tolerance';

export type Fit = 'strict' | 'soft' | 'miss' | 'skip';

/** The schedule's LR as a function of n, with n clamped at 0 (the state right after construction). */
export type LrAt = (n: number) => number;

/**
 * Does point i's LR equal scale·f(n) there, or at one optimizer step either side? `origin` is
 * subtracted from n (a restarted schedule); `shift` is added to the step (the scheduler running
 * ahead of the optimizer, as when mixed precision skips optimizer steps).
 */
export function fitAt(f: LrAt, map: Mapping, scale: number, tol: Tolerance, s: Series, i: number, origin = 0, shift = 0): Fit {
  const step = s.steps[i] + shift;
  const epoch = s.epochs[i];
  const count = s.counts[i];
  const lr = s.lrs[i];
  const n = map.at(step, epoch, 0, count) - origin;
  if (Number.isNaN(n)) return 'skip';
  if (close(lr, scale * f(Math.max(0, n)), tol)) return 'strict';
  if (close(lr, scale * f(Math.max(0, map.at(step, epoch, -1, count) - origin)), tol) || close(lr, scale * f(Math.max(0, map.at(step, epoch, 1, count) - origin)), tol)) return 'soft';
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
  /** Whether the logged LR changed at all (exactly) while this clock explained it. */
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
    const fit = fitAt(this.f, this.map, this.scale, this.tol, s, i);
    if (fit === 'miss') this.alive = false;
    if (fit === 'skip') return;
    if (this.first === undefined) this.first = s.lrs[i];
    else if (s.lrs[i] !== this.first) this.moved = true;
  }
}

/** The LR never moves: never stepped, stepped too rarely to matter, or pinned by hand. */
export class Flat implements Hypothesis {
  alive = true;
  next = 0;
  value: number | undefined;
  /** Whether the LR moved at all, within the tolerance: a truly flat LR repeats one value exactly. */
  moved = false;

  constructor(private readonly tol: Tolerance) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    if (this.value === undefined) this.value = s.lrs[i];
    else if (!close(s.lrs[i], this.value, this.tol)) this.alive = false;
    else if (s.lrs[i] !== this.value) this.moved = true;
  }
}

/** Restarts that are not at an epoch start allowed before "restarted" stops being the simpler story. */
const MAX_ODD_RESTARTS = 3;

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
  /** Restarts not at an epoch start (resumes): a few are plausible, hundreds are a schedule that does not fit. */
  private odd = 0;
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
    const count = s.counts[i];
    const lr = s.lrs[i];
    const fit = fitAt(this.f, this.map, this.scale, this.tol, s, i, this.originN);
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
    let epochStart = false;
    if (this.epochLength) {
      const start = Math.floor(step / this.epochLength) * this.epochLength;
      if (start > this.origin && start < step) candidates.unshift(start);
      epochStart = start > this.origin && start <= step && (i === 0 || s.steps[i - 1] < start);
    }
    if (i > 0 && Math.floor(epoch + 1e-9) > Math.floor(s.epochs[i - 1] + 1e-9)) epochStart = true;
    for (const origin of candidates) {
      const originN = this.map.at(origin, epoch, 0, count);
      const expected = this.f(Math.max(0, this.map.at(step, epoch, 0, count) - originN));
      if (close(lr, this.baseScale * expected, this.tol)) {
        this.restartAt(origin, originN, this.baseScale, false, epochStart);
        return;
      }
      // A re-created chainable scheduler keeps the optimizer's current LR: no jump at the restart.
      if (expected > 0 && origin === step && i > 0 && close(lr, s.lrs[i - 1], this.tol)) {
        this.restartAt(origin, originN, lr / expected, true, epochStart);
        return;
      }
    }
    this.alive = false;
  }

  private restartAt(origin: number, originN: number, scale: number, unconfirmed: boolean, epochStart: boolean): void {
    this.origin = origin;
    this.originN = originN;
    this.scale = scale;
    this.unconfirmed = unconfirmed;
    this.origins.push(origin);
    if (!epochStart && ++this.odd > MAX_ODD_RESTARTS) this.alive = false;
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
      const expected = this.scale * this.f(Math.max(0, this.map.at(s.steps[i], s.epochs[i], 0, s.counts[i])));
      this.factor = expected > 0 ? lr / expected : Number.NaN;
      this.rescaled = Number.isFinite(this.factor);
      return;
    }
    if (this.pinned && !close(lr, this.value, this.tol)) this.pinned = false;
    if (this.rescaled && fitAt(this.f, this.map, this.scale * this.factor, this.tol, s, i) === 'miss') this.rescaled = false;
    this.alive = this.pinned || this.rescaled;
  }
}
