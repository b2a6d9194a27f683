// Where two runs' configured schedules stop prescribing the same LR: the first optimizer step at
// which their expected LRs part. Two specs written differently (a StepLR and the MultiStepLR
// that does the same) do not part at all; a changed milestone parts at the milestone.
import { expectedLrAtStep } from '../expected-lr';
import { compileSchedule } from '../schedules/compile-schedule';
import type { ScheduleSpec } from '../schedules/types';

export interface ScheduleSide {
  schedule: ScheduleSpec | null;
  stepsPerEpoch: number | null;
}

export type Divergence =
  /** They part at `step`: one expects `a`, the other `b`. */
  | { kind: 'parts'; step: number; a: number; b: number }
  /** Same expected LR at every step up to `upTo`. */
  | { kind: 'same'; upTo: number }
  /** One of them has no expected LR to compare (no schedule, unverifiable, epoch schedule without stepsPerEpoch). */
  | { kind: 'unknown'; reason: string };

// Relative: float formulas written two ways (0.1 * 0.5 ** 2 vs 0.025) differ in the last bits.
const TOLERANCE = 1e-9;

/** Steps scanned at most; every step is checked, so a short dip between two checks cannot hide. */
export const MAX_SCAN = 2_000_000;

function lrFunction(side: ScheduleSide): ((step: number) => number) | string {
  if (!side.schedule) return 'no schedule was sent';
  let compiled;
  try {
    compiled = compileSchedule(side.schedule);
  } catch (err) {
    return `the schedule is not valid (${(err as Error).message})`;
  }
  if (!compiled.verifiable) return `${side.schedule.name} cannot be checked (${compiled.reason})`;
  return expectedLrAtStep(compiled, side.stepsPerEpoch) ?? `${side.schedule.name} is stepped per epoch, and the run did not send stepsPerEpoch`;
}

export function firstDivergence(a: ScheduleSide, b: ScheduleSide, upTo: number): Divergence {
  const fa = lrFunction(a);
  if (typeof fa === 'string') return { kind: 'unknown', reason: `first run: ${fa}` };
  const fb = lrFunction(b);
  if (typeof fb === 'string') return { kind: 'unknown', reason: `second run: ${fb}` };
  const last = Math.min(Math.max(0, Math.floor(upTo)), MAX_SCAN);
  for (let s = 0; s <= last; s++) {
    const x = fa(s);
    const y = fb(s);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (Math.abs(x - y) > TOLERANCE * Math.max(Math.abs(x), Math.abs(y))) return { kind: 'parts', step: s, a: x, b: y };
  }
  return { kind: 'same', upTo: last };
}
