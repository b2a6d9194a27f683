// The verdict contract (docs/architecture.md, "Verdict"). Shared by the detector, the store,
// the API and the pages.

export const CAUSES = [
  'stuck',
  'never_stepped',
  'stepped_per_epoch',
  'stepped_per_step',
  'stepped_too_often',
  'restarted',
  'overridden',
  'mismatch',
] as const;
export type Cause = (typeof CAUSES)[number];

/**
 * ok: the logged LR follows the schedule so far. flagged: it does not (see causes).
 * unverifiable: the schedule depends on user code or metrics. no_schedule: the run has no spec.
 * unknown: not evaluated yet (no points, or the detector has not run).
 */
export type VerdictKind = 'ok' | 'flagged' | 'unverifiable' | 'no_schedule' | 'unknown';

export interface Verdict {
  kind: VerdictKind;
  flagged: boolean;
  causes: Cause[];
  message: string;
  /** First logged step where the schedule asked for a change that did not happen. */
  firstBadStep?: number;
  /** Expected and actual LR at firstBadStep. */
  expected?: number;
  actual?: number;
  unverifiable?: boolean;
  /** Why, in the run's own terms (flagged only): "StepwiseGradualLR is written in optimizer steps, but ...". */
  explanation?: string;
  /** The fix in the user's framework's words (flagged only): "set scheduler_after_epoch=False ...". */
  fix?: string;
  /** Plausibility findings that are not failures (off by one, thresholds never reached, ...). */
  warnings: string[];
  /** Runs with several optimizers: each optimizer's own verdict (the run's is the worst of them). */
  optimizers?: Record<string, Verdict>;
  /** Runs with several optimizers: the optimizer whose verdict the run's is. */
  optimizer?: string;
}

/** What the Python client observed of `scheduler.step()` calls; evidence the detector can cite. */
export interface ObservedCadence {
  /** Optimizer steps seen so far. */
  optimizerSteps: number;
  /** scheduler.step() calls seen so far. */
  schedulerSteps: number;
  /** Median optimizer steps between consecutive scheduler.step() calls (0.25 = four calls per optimizer step). */
  medianGap?: number;
  /** True when scheduler.step() ran before optimizer.step() in the same iteration. */
  beforeOptimizerStep?: boolean;
  /** The point metric that carries each value passed to scheduler.step(metric) (ReduceLROnPlateau): "scheduler_metric". */
  metric?: string;
}

export function noScheduleVerdict(): Verdict {
  return {
    kind: 'no_schedule',
    flagged: false,
    causes: [],
    message: 'No schedule configured for this run: lrscope can plot its LR but cannot check it.',
    warnings: [],
  };
}

export function unknownVerdict(): Verdict {
  return { kind: 'unknown', flagged: false, causes: [], message: 'Not checked yet: waiting for points.', warnings: [] };
}
