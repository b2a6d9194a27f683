// A run's optimizers as stored on the run: each one's schedule and observed cadence, in the
// client's order (the first is the one the run-level schedule and cadence describe). Pure.
import type { ScheduleSpec } from '../schedules/types';
import type { ObservedCadence } from '../verdict';

export interface RunOptimizer {
  name: string;
  schedule?: ScheduleSpec;
  cadence?: ObservedCadence;
}

/** What runs.create and runs.update take: { [name]: { schedule?, cadence? } }. */
export type OptimizersInput = Record<string, { schedule?: ScheduleSpec; cadence?: ObservedCadence }>;

/**
 * The stored list with an update applied: a named optimizer's given fields replace its old ones
 * (as runs.update does for the run's own schedule and cadence), new names go last.
 */
export function mergeOptimizers(stored: readonly RunOptimizer[] | null | undefined, update: OptimizersInput): RunOptimizer[] {
  const out = (stored ?? []).map((o) => ({ ...o }));
  for (const [name, given] of Object.entries(update)) {
    let o = out.find((x) => x.name === name);
    if (!o) out.push((o = { name }));
    if (given.schedule !== undefined) o.schedule = given.schedule;
    if (given.cadence !== undefined) o.cadence = given.cadence;
  }
  return out;
}

/** One detector's worth of a run: a schedule checked against one LR series. */
export interface VerdictTrack {
  /** The optimizer, or null for a run with one optimizer (its points' own lr). */
  optimizer: string | null;
  /** Whether the points' own lr/lrs/schedulerStep are this optimizer's. */
  first: boolean;
  schedule: ScheduleSpec | null;
  cadence?: ObservedCadence;
}

/** What the detector runs on: the run's own schedule, or each declared optimizer's. */
export function verdictTracks(run: { schedule: unknown; cadence: unknown; optimizers: unknown }): VerdictTrack[] {
  const optimizers = Array.isArray(run.optimizers) ? (run.optimizers as RunOptimizer[]) : [];
  if (optimizers.length === 0) {
    return [{ optimizer: null, first: true, schedule: (run.schedule as ScheduleSpec | null) ?? null, cadence: (run.cadence as ObservedCadence | null) ?? undefined }];
  }
  return optimizers.map((o, i) => ({ optimizer: o.name, first: i === 0, schedule: o.schedule ?? null, cadence: o.cadence }));
}
