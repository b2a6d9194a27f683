// ReduceLROnPlateau checked against the values it was stepped with. Its LR follows a metric, so
// no formula of the step gives it; but when the client records each value passed to
// scheduler.step(metric) (lrscope.torch.watch does, as the point metric `scheduler_metric`),
// PyTorch's bookkeeping can be replayed to find the calls that lowered the LR. Each such
// reduction must show in the next logged point: old LR × factor (floored at min_lr). One that
// does not means something else sets the LR: a second scheduler on the same optimizer (a warm-up
// LambdaLR resetting it every step), or code assigning param_group["lr"]. Only reductions are
// checked, so an LR changed by hand on purpose (a manual warm-up) is never a false alarm.
import { formatLr, formatStep } from '../ui/format';
import type { ScheduleSpec } from '../schedules/types';
import type { ObservedCadence, Verdict } from '../verdict';
import { PLATEAU_NAMES, plateauWarnings } from './plateau-warnings';
import { Series, type LoggedPoint } from './series';
import { close, PRECISION_SAMPLE, type Tolerance, toleranceFor } from './tolerance';

/** The point metric carrying the value each scheduler.step(metric) call was given. */
export const SCHEDULER_METRIC = 'scheduler_metric';

export interface PlateauSettings {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  threshold_mode: 'rel' | 'abs';
  cooldown: number;
  /** Param group 0's floor. */
  min_lr: number;
  eps: number;
}

/** The spec's params with PyTorch's defaults. */
export function plateauSettings(spec: ScheduleSpec): PlateauSettings {
  const p = spec.params ?? {};
  const minLr = Array.isArray(p.min_lr) ? p.min_lr[0] : p.min_lr;
  return {
    mode: p.mode === 'max' ? 'max' : 'min',
    factor: typeof p.factor === 'number' ? p.factor : 0.1,
    patience: typeof p.patience === 'number' ? p.patience : 10,
    threshold: typeof p.threshold === 'number' ? p.threshold : 1e-4,
    threshold_mode: p.threshold_mode === 'abs' ? 'abs' : 'rel',
    cooldown: typeof p.cooldown === 'number' ? p.cooldown : 0,
    min_lr: typeof minLr === 'number' ? minLr : 0,
    eps: typeof p.eps === 'number' ? p.eps : 1e-8,
  };
}

/**
 * Which calls of ReduceLROnPlateau.step(metric) call _reduce_lr, as PyTorch 1.13 decides it
 * (torch/optim/lr_scheduler.py). The decision depends on the metrics only, not on the LR.
 */
export function plateauReductions(p: PlateauSettings, metrics: readonly number[]): boolean[] {
  let best = p.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let bad = 0;
  let cooldown = 0;
  const better = (a: number) => {
    if (p.mode === 'min') return p.threshold_mode === 'rel' ? a < best * (1 - p.threshold) : a < best - p.threshold;
    return p.threshold_mode === 'rel' ? a > best * (p.threshold + 1) : a > best + p.threshold;
  };
  return metrics.map((current) => {
    if (better(current)) {
      best = current;
      bad = 0;
    } else {
      bad++;
    }
    if (cooldown > 0) {
      cooldown--;
      bad = 0;
    }
    if (bad > p.patience) {
      cooldown = p.cooldown;
      bad = 0;
      return true;
    }
    return false;
  });
}

/** The LR after _reduce_lr, which leaves it alone when the change would be below eps. */
export function reducedLr(p: PlateauSettings, lr: number): number {
  const next = Math.max(lr * p.factor, p.min_lr);
  return lr - next > p.eps ? next : lr;
}

/** From the first step after `after` on, the replayed LR is `lr`; before that reduction it was `previous`. */
export interface PlateauSegment {
  after: number;
  lr: number;
  previous: number;
}

/** A scheduler.step(metric) call: the step it came after, and the value it was given. */
export type PlateauCall = readonly [step: number, value: number];

/** The step after which the first reducing call came, or undefined when none has. */
export function firstReductionStep(p: PlateauSettings, calls: readonly PlateauCall[]): number | undefined {
  const k = plateauReductions(p, calls.map((c) => c[1])).indexOf(true);
  return k < 0 ? undefined : calls[k][0];
}

/**
 * The replayed LR from the first reduction on, given `base`, the LR logged at or before the step
 * that reduction came after. Before it the LR is whatever the run used (not predicted).
 */
export function plateauSegments(p: PlateauSettings, calls: readonly PlateauCall[], base: number | undefined): PlateauSegment[] {
  if (base === undefined) return [];
  const reduces = plateauReductions(p, calls.map((c) => c[1]));
  const out: PlateauSegment[] = [];
  let lr = base;
  for (let k = 0; k < calls.length; k++) {
    if (!reduces[k]) continue;
    const previous = lr;
    lr = reducedLr(p, lr);
    out.push({ after: calls[k][0], lr, previous });
  }
  return out;
}

/** The replayed LR at `step`: null up to the first reduction. */
export function plateauLrAt(segments: readonly PlateauSegment[], step: number): number | null {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].after < step) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found < 0 ? null : segments[found].lr;
}

export interface PlateauOptions {
  spec: ScheduleSpec;
  stepsPerEpoch?: number;
  cadence?: ObservedCadence;
}

/** Whether the run's client records the values passed to scheduler.step(metric). */
export function recordsSchedulerMetric(spec: ScheduleSpec, cadence: ObservedCadence | undefined): boolean {
  return PLATEAU_NAMES.has(spec.name) && cadence?.metric === SCHEDULER_METRIC;
}

export class PlateauDetector {
  private readonly series = new Series();
  /** Step after which each scheduler.step(metric) call ran → the metric it was given. */
  private readonly calls = new Map<number, number>();
  private readonly params: PlateauSettings;

  constructor(private readonly options: PlateauOptions) {
    this.params = plateauSettings(options.spec);
  }

  get size(): number {
    return this.series.length;
  }

  add(points: readonly LoggedPoint[]): void {
    this.series.append(points);
    // The store keeps the first value of a metric at a step; so does the replay.
    for (const p of points) if (p.schedulerMetric !== undefined && Number.isFinite(p.schedulerMetric) && !this.calls.has(p.step)) this.calls.set(p.step, p.schedulerMetric);
  }

  verdict(): Verdict {
    const warnings = plateauWarnings(this.options.spec, this.options.stepsPerEpoch, this.options.cadence);
    const s = this.series;
    s.sort();
    if (s.length === 0) return { kind: 'unknown', flagged: false, causes: [], message: 'Not checked yet: waiting for points with an LR.', warnings };
    const calls = [...this.calls.entries()].sort((a, b) => a[0] - b[0]);
    const reduces = plateauReductions(this.params, calls.map(([, v]) => v));
    const tol = toleranceFor(s.lrs, Math.min(s.length, PRECISION_SAMPLE), s.lrs[0]);
    // From the first reduction on, the LR is the scheduler's alone: each later point must carry
    // the replayed one. Before it, the LR is not checked.
    const firstAfter = firstReductionStep(this.params, calls);
    const i = firstAfter === undefined ? -1 : lastAtOrBefore(s.steps, s.length, firstAfter);
    const segments = plateauSegments(this.params, calls, i >= 0 ? s.lrs[i] : undefined);
    let k = -1;
    for (let q = i + 1; segments.length > 0 && q < s.length; q++) {
      while (k + 1 < segments.length && segments[k + 1].after < s.steps[q]) k++;
      const seg = segments[k];
      if (!close(s.lrs[q], seg.lr, tol)) return this.flag(seg.after, s.steps[q], seg.previous, seg.lr, s.lrs[q], calls.length, warnings, tol);
    }
    const visible = segments.filter((g) => g.after < s.steps[s.length - 1]).length;
    const reductions = reduces.filter(Boolean).length;
    const message =
      calls.length === 0
        ? 'ReduceLROnPlateau: scheduler.step(metric) has not been called yet, so there is nothing to replay.'
        : reductions === 0
        ? `ReduceLROnPlateau, replayed on the ${formatStep(calls.length)} values passed to scheduler.step(): no reduction due yet.`
        : `ReduceLROnPlateau, replayed on the ${formatStep(calls.length)} values passed to scheduler.step(): ${formatStep(reductions)} reduction${reductions === 1 ? '' : 's'}${visible < reductions ? ` (${formatStep(visible)} visible in the logged points so far)` : ''}, each took effect.`;
    return { kind: 'ok', flagged: false, causes: [], message, warnings };
  }

  private flag(before: number, at: number, undone: number, expected: number, actual: number, calls: number, warnings: string[], tol: Tolerance): Verdict {
    const unchanged = close(actual, undone, tol);
    const p = this.params;
    return {
      kind: 'flagged',
      flagged: true,
      causes: [unchanged ? 'stuck' : 'overridden'],
      message: `ReduceLROnPlateau lowered the LR to ${formatLr(expected)} after step ${formatStep(before)}, but step ${formatStep(at)} used ${formatLr(actual)}: something else sets the LR.`,
      firstBadStep: at,
      expected,
      actual,
      explanation:
        `Replaying ReduceLROnPlateau (mode=${p.mode}, factor=${p.factor}, patience=${p.patience}) on the ${formatStep(calls)} values passed to scheduler.step(), ` +
        `the metric had stopped improving (patience ${p.patience}) by the call after step ${formatStep(before)}, so PyTorch multiplied the LR by ${p.factor}. ` +
        (unchanged ? `Step ${formatStep(at)} was back at the LR before that reduction: it was undone.` : `Step ${formatStep(at)} used another LR: something overrode it.`),
      fix: 'Let ReduceLROnPlateau be the only thing that sets this optimizer\'s LR: do not step a second scheduler (a warm-up LambdaLR, say) on the same optimizer after the warm-up ends, and do not assign param_group["lr"] in the training loop.',
      warnings,
    };
  }
}

function lastAtOrBefore(steps: Float64Array, length: number, step: number): number {
  let lo = 0;
  let hi = length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= step) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
