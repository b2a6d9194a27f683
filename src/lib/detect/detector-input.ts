// The one way a run becomes detector input, for the server (run-verdicts) and `lrscope check`
// alike, so both give one verdict for one run. A run with several optimizers calls it once per
// optimizer, with that optimizer's spec, cadence and series (its lr, lrs and schedulerStep).
import { plannedSteps } from '../planned-steps';
import { compileSchedule } from '../schedules/compile-schedule';
import type { Schedule, ScheduleSpec } from '../schedules/types';
import type { ObservedCadence } from '../verdict';
import type { DetectorOptions } from './detector';
import { recordsSchedulerMetric, SCHEDULER_METRIC } from './plateau';
import type { LoggedPoint } from './series';

/** A point as the API, the store and `lrscope check` carry it (metrics already numbers). */
export interface RunPoint {
  step: number;
  epoch?: number | null;
  lr?: number | null;
  lrs?: number[] | null;
  loss?: number | null;
  metrics?: Record<string, number> | null;
  schedulerStep?: number | null;
}

/** What a run says about its schedule, besides its points. */
export interface RunSettings {
  /** A parsed spec. */
  schedule: ScheduleSpec;
  stepsPerEpoch?: number | null;
  /** The run's free-form config: its planned length is read from it. */
  config?: unknown;
  cadence?: ObservedCadence | null;
  /** Overrides the planned length read from config. */
  plannedSteps?: number;
}

export function detectorOptions(run: RunSettings, compile: (spec: ScheduleSpec) => Schedule = compileSchedule): DetectorOptions {
  const stepsPerEpoch = run.stepsPerEpoch ?? undefined;
  return {
    schedule: compile(run.schedule),
    stepsPerEpoch,
    cadence: run.cadence ?? undefined,
    plannedSteps: run.plannedSteps ?? plannedSteps(run.config, stepsPerEpoch),
  };
}

/** Whether the detector reads the values passed to scheduler.step(metric) from the points' metrics (ReduceLROnPlateau). */
export function usesSchedulerMetric(run: Pick<RunSettings, 'schedule' | 'cadence'>): boolean {
  return recordsSchedulerMetric(run.schedule, run.cadence ?? undefined);
}

export function detectorPoints(points: readonly RunPoint[]): LoggedPoint[] {
  return points.map((p) => {
    const out: LoggedPoint = { step: p.step };
    if (p.epoch != null) out.epoch = p.epoch;
    if (p.lr != null) out.lr = p.lr;
    if (p.lrs != null) out.lrs = p.lrs;
    if (p.loss != null) out.loss = p.loss;
    if (p.schedulerStep != null) out.schedulerStep = p.schedulerStep;
    const metric = p.metrics?.[SCHEDULER_METRIC];
    if (metric !== undefined) out.schedulerMetric = metric;
    return out;
  });
}

/** Options and points for one detector run over a whole series. */
export function detectorInput(run: RunSettings & { points: readonly RunPoint[] }, compile?: (spec: ScheduleSpec) => Schedule): DetectorOptions & { points: LoggedPoint[] } {
  return { ...detectorOptions(run, compile), points: detectorPoints(run.points) };
}
