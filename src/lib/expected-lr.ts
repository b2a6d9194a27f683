// Maps an optimizer step to the LR the configured schedule prescribes there, given the cadence
// the user intended (docs/schedules.md: n(s) = s for step schedules, ⌊s / stepsPerEpoch⌋ for epoch ones).
import type { Interval, VerifiableSchedule } from './schedules/types';

/** The interval the user meant: the spec's own, else the schedule's design; ambiguous ones default to epoch. */
export function intendedInterval(schedule: VerifiableSchedule): Interval {
  return schedule.spec.interval ?? (schedule.designInterval === 'step' ? 'step' : 'epoch');
}

/** A function from optimizer step to expected LR, or null when the step→n mapping is unknown (epoch schedule without stepsPerEpoch). */
export function expectedLrAtStep(schedule: VerifiableSchedule, stepsPerEpoch?: number | null): ((step: number) => number) | null {
  // scheduler.step() every `frequency` intervals (Lightning's frequency).
  const every = schedule.spec.frequency ?? 1;
  if (intendedInterval(schedule) === 'step') return every === 1 ? (s) => schedule.lrAt(s) : (s) => schedule.lrAt(Math.floor(s / every));
  if (!stepsPerEpoch) return null;
  return (s) => schedule.lrAt(Math.floor(Math.floor(s / stepsPerEpoch) / every));
}
