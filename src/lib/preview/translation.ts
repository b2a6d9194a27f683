// What each framework's config means for the scheduler: the schedule spec to check, who calls
// scheduler.step() how often, and how long the run is.
import type { Interval } from '../schedules/types';
import type { RunLength } from './types';

/** The form's run fields, already read. */
export interface FormRun {
  stepsPerEpoch: number;
  epochs: number | undefined;
}

/** How the trainer will step the scheduler, given the cadence the schedule is written for. */
export interface Cadence {
  actual: Interval;
  /** One sentence in the framework's words, e.g. "Coqui steps the scheduler once per epoch (scheduler_after_epoch is true, its default)." */
  text: string;
  /** How to step it as the schedule expects, when it is not. */
  fix?: string;
}

export interface Translation {
  /** The schedule spec, not yet checked (parseSchedule does that). */
  spec: Record<string, unknown>;
  run: RunLength;
  /** `design` is the schedule's own cadence (the registry's designInterval). */
  cadence(design: Interval | 'either'): Cadence;
  /** Where a spec field ("params.milestones[1]", "baseLr") lives in this framework's config. */
  configPath(specPath: string): string;
  notes: string[];
}

/** "params.x.y" → `${prefix}.x.y`; "params" → prefix. */
export function underParams(specPath: string, prefix: string): string | undefined {
  if (specPath === 'params') return prefix;
  if (specPath.startsWith('params.') || specPath.startsWith('params[')) return prefix + specPath.slice('params'.length);
  return undefined;
}
