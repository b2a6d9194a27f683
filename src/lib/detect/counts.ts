// With the scheduler's own counter on the points (schedulerStep, its last_epoch), how the
// scheduler is stepped is read directly instead of inferred from the LR: the count must advance
// as the spec's interval and frequency say. When it does not, the count series itself names the
// cadence: it never moves (never stepped), moves once per epoch (a step schedule stepped per
// epoch), once per optimizer step (an epoch schedule stepped per batch), k times per optimizer
// step (gradient accumulation), or falls back to zero (re-created, or resumed without its state).
import type { Cause } from '../verdict';
import type { Hypothesis } from './hypotheses';
import { maxDrift } from './intended';
import type { Mapping } from './mapping';
import type { Series } from './series';

/** The count follows `map` (the intended clock), within one call either way and a small drift between the two counters. */
export class CountFollows implements Hypothesis {
  alive = true;
  next = 0;
  drift = 0;
  /** Step at which the drift reached its current value. */
  driftStep = 0;
  firstMiss = -1;
  /** Whether any count was seen. */
  seen = false;

  constructor(
    private readonly map: Mapping,
    private readonly drifts: boolean,
    /**
     * The declared epoch length, when epochs are counted from it (the points carry none): a count
     * of epochs that runs up to 10% off it (drop_last, a train/val split) is the epoch's real length.
     */
    private readonly stepsPerEpoch?: number,
  ) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const c = s.counts[i];
    const n = this.map.at(s.steps[i], s.epochs[i], 0, Number.NaN);
    if (Number.isNaN(c) || Number.isNaN(n)) return;
    this.seen = true;
    const off = c - n;
    const slack = this.stepsPerEpoch ? 1 + Math.floor((0.1 * s.steps[i]) / this.stepsPerEpoch) : 1;
    if (Math.abs(off - this.drift) <= slack) return;
    // The drift only grows, in one direction, and stays small.
    if (this.drifts && Math.sign(off) !== -Math.sign(this.drift) && Math.abs(off) > Math.abs(this.drift) && Math.abs(off) <= maxDrift(s.steps[i], off > 0 ? 1 : -1)) {
      this.drift = off;
      this.driftStep = s.steps[i];
      return;
    }
    this.alive = false;
    this.firstMiss = i;
  }
}

/** One explanation of a count series that does not follow the intended clock. */
class CountPattern implements Hypothesis {
  alive = true;
  next = 0;
  private offset = Number.NaN;
  private seen = 0;

  constructor(
    readonly cause: Cause,
    readonly factor: number | undefined,
    /** The count predicted at a point, up to a constant offset fixed by the first count; slack in counts. */
    private readonly predict: (s: Series, i: number) => number,
    private readonly slack: number,
  ) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const c = s.counts[i];
    const p = this.predict(s, i);
    if (Number.isNaN(c) || Number.isNaN(p)) return;
    this.seen++;
    if (Number.isNaN(this.offset)) this.offset = c - p;
    else if (Math.abs(c - p - this.offset) > this.slack) this.alive = false;
  }

  get fits(): boolean {
    return this.alive && this.seen >= 2;
  }
}

/** The count falls back (to about 0) a few times, or at epoch starts, and otherwise only grows. */
class CountRestarts implements Hypothesis {
  alive = true;
  next = 0;
  readonly origins: number[] = [];
  private prev = Number.NaN;
  private odd = 0;

  constructor(private readonly stepsPerEpoch: number | undefined) {}

  feed(i: number, s: Series): void {
    if (!this.alive) return;
    const c = s.counts[i];
    if (Number.isNaN(c)) return;
    if (!Number.isNaN(this.prev) && c < this.prev) {
      if (c > 2) {
        this.alive = false;
        return;
      }
      const step = s.steps[i];
      const epochStart =
        (i > 0 && Math.floor(s.epochs[i] + 1e-9) > Math.floor(s.epochs[i - 1] + 1e-9)) ||
        (this.stepsPerEpoch !== undefined && Math.floor(step / this.stepsPerEpoch) > Math.floor(s.steps[i - 1] / this.stepsPerEpoch));
      this.origins.push(step);
      if (!epochStart && ++this.odd > 3) this.alive = false;
    }
    this.prev = c;
  }

  get fits(): boolean {
    return this.alive && this.origins.length > 0;
  }
}

export interface CountFinding {
  causes: Cause[];
  factor?: number;
  restarts?: number[];
}

const TOO_OFTEN = [2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64];

/** The count patterns a step or epoch schedule can show, in the order they are preferred (fewest free parameters first). */
export class CountCauses {
  private readonly never: CountPattern;
  private readonly patterns: CountPattern[] = [];
  private readonly restarts: CountRestarts;

  constructor(interval: 'step' | 'epoch', epochClock: Mapping | undefined, stepsPerEpoch: number | undefined) {
    this.never = new CountPattern('never_stepped', undefined, () => 0, 0);
    if (interval === 'step' && epochClock) this.patterns.push(new CountPattern('stepped_per_epoch', undefined, (s, i) => epochClock.at(s.steps[i], s.epochs[i], 0, Number.NaN), 1));
    if (interval === 'epoch') this.patterns.push(new CountPattern('stepped_per_step', undefined, (s, i) => s.steps[i], 1));
    for (const k of TOO_OFTEN) this.patterns.push(new CountPattern('stepped_too_often', k, (s, i) => k * s.steps[i], k));
    this.restarts = new CountRestarts(stepsPerEpoch);
  }

  get hypotheses(): Hypothesis[] {
    return [this.never, ...this.patterns, this.restarts];
  }

  finding(): CountFinding {
    if (this.never.fits) return { causes: ['never_stepped', 'stuck'] };
    const p = this.patterns.find((h) => h.fits);
    if (p) return { causes: [p.cause], factor: p.factor };
    if (this.restarts.fits) return { causes: ['restarted'], restarts: this.restarts.origins };
    return { causes: ['mismatch'] };
  }
}
