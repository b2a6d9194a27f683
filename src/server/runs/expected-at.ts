// The LR a run's schedule prescribes at a step: for the chart's expected line, the live feed's
// points and the run's "expected LR now". A formula of the step for verifiable schedules; for a
// ReduceLROnPlateau whose client records the values passed to scheduler.step(), the replay of
// those values (from the first reduction on: before it the LR is the run's own).
import { expectedLrAtStep } from '@/lib/expected-lr';
import { firstReductionStep, plateauLrAt, plateauSettings, plateauSegments, recordsSchedulerMetric, SCHEDULER_METRIC } from '@/lib/detect/plateau';
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { ObservedCadence } from '@/lib/verdict';
import { LIMITS } from '../api/limits';
import type { Db } from '../db/open-database';
import { compiledSchedule } from './compiled-schedule';

export interface ExpectedInputs {
  schedule: unknown;
  stepsPerEpoch: number | null;
  cadence: unknown;
}

/** null when nothing can be said; the function gives null at steps the schedule does not cover. */
export async function expectedAt(db: Db, runId: number, run: ExpectedInputs): Promise<((step: number) => number | null) | null> {
  const spec = run.schedule as ScheduleSpec | null;
  if (!spec) return null;
  let schedule;
  try {
    schedule = compiledSchedule(spec);
  } catch {
    return null;
  }
  if (schedule.verifiable) {
    const at = expectedLrAtStep(schedule, run.stepsPerEpoch);
    if (!at) return null;
    const last = schedule.lastStep ?? Number.POSITIVE_INFINITY;
    return (s) => (s > last ? null : at(s));
  }
  if (!recordsSchedulerMetric(spec, (run.cadence as ObservedCadence | null) ?? undefined)) return null;
  const calls = (await db.points.metricSeries(runId, SCHEDULER_METRIC, { from: 0, to: LIMITS.maxStep }, 1)).map((b) => [b.step, b.value] as const);
  const params = plateauSettings(spec);
  const first = firstReductionStep(params, calls);
  if (first === undefined) return null;
  const segments = plateauSegments(params, calls, await db.points.lrAtOrBefore(runId, first));
  return segments.length === 0 ? null : (s) => plateauLrAt(segments, s);
}
