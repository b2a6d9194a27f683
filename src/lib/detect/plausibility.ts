// Warnings about a schedule that is not (yet) failing but will: thresholds the run can never
// reach at its cadence, milestones past the planned end, a cadence that contradicts the
// schedule's units. They need no points, so a run is warned before its first change is due.
import { formatStep } from '../ui/format';
import type { ObservedCadence } from '../verdict';
import type { Interval, VerifiableSchedule } from '../schedules/types';

export interface PlanContext {
  interval: Interval;
  stepsPerEpoch?: number;
  /** Optimizer steps the run is planned to take (max_steps, epochs × steps per epoch). */
  plannedSteps?: number;
  cadence?: ObservedCadence;
}

/** How far ahead a schedule is scanned for its first change. */
const SCAN_LIMIT = 2_000_000;

/** The first n > 0 at which the schedule's LR differs from its LR at 0, or undefined within `limit`. */
export function firstChange(schedule: VerifiableSchedule, limit = SCAN_LIMIT): number | undefined {
  const f0 = schedule.lrAt(0);
  const eps = 1e-12 * Math.max(Math.abs(f0), 1e-300);
  for (let n = 1; n <= limit; n++) if (Math.abs(schedule.lrAt(n) - f0) > eps) return n;
  return undefined;
}

/** Optimizer steps between two scheduler.step() calls, when the client observed enough of them. */
export function observedGap(cadence: ObservedCadence | undefined): number | undefined {
  if (!cadence || cadence.medianGap === undefined || cadence.schedulerSteps < 2) return undefined;
  return cadence.medianGap;
}

export function planWarnings(schedule: VerifiableSchedule, plan: PlanContext, change: () => number | undefined): string[] {
  const warnings: string[] = [];
  const name = schedule.spec.name;
  const { stepsPerEpoch, plannedSteps, cadence } = plan;

  if (schedule.designInterval === 'step' && plan.interval === 'epoch') {
    const n = change();
    warnings.push(
      `${name} is written in optimizer steps, but this run steps it once per epoch` +
        (n !== undefined ? `: its first change (at ${formatStep(n)}) needs ${formatStep(n)} epochs.` : '.'),
    );
  }
  if (plannedSteps !== undefined) {
    const n = change();
    const plannedN = plan.interval === 'step' ? plannedSteps : stepsPerEpoch ? Math.ceil(plannedSteps / stepsPerEpoch) : undefined;
    const unit = plan.interval === 'step' ? 'steps' : 'epochs';
    if (n !== undefined && plannedN !== undefined && n >= plannedN) {
      warnings.push(`${name} first changes the LR after ${formatStep(n)} ${unit}, but the run is planned for ${formatStep(plannedN)} ${unit}: the LR will never change.`);
    }
    if (schedule.lastStep !== undefined && plan.interval === 'step' && plannedSteps > schedule.lastStep + 1) {
      warnings.push(`${name} covers ${formatStep(schedule.lastStep + 1)} steps but the run is planned for ${formatStep(plannedSteps)}: PyTorch raises once it is stepped past its end.`);
    }
  }
  if (cadence) {
    const gap = observedGap(cadence);
    // scheduler.step() meant to run every `frequency` intervals.
    const every = schedule.spec.frequency ?? 1;
    if (cadence.schedulerSteps === 0 && cadence.optimizerSteps >= 2) {
      warnings.push(`scheduler.step() has not been called in ${formatStep(cadence.optimizerSteps)} optimizer steps.`);
    } else if (gap !== undefined && plan.interval === 'step' && gap >= 1.5 * every) {
      const n = change();
      warnings.push(
        `scheduler.step() runs once every ${formatGap(gap)} optimizer steps, but ${name} expects ${every === 1 ? 'one call per optimizer step' : `one call every ${formatStep(every)} optimizer steps`}` +
          (n !== undefined ? `: its first change (n = ${formatStep(n)}) would come at optimizer step ${formatStep(Math.round(n * gap))}.` : '.'),
      );
    } else if (gap !== undefined && gap <= 0.75) {
      warnings.push(`scheduler.step() runs ${formatGap(1 / gap)} times per optimizer step (gradient accumulation?): the schedule runs that much too fast.`);
    } else if (gap !== undefined && plan.interval === 'epoch' && stepsPerEpoch && stepsPerEpoch > 1 && gap < (every * stepsPerEpoch) / 2) {
      warnings.push(`scheduler.step() runs once every ${formatGap(gap)} optimizer steps, but ${name} is meant to be stepped once per epoch (${formatStep(stepsPerEpoch)} steps).`);
    }
    if (cadence.beforeOptimizerStep) {
      warnings.push('scheduler.step() is called before optimizer.step(): the run skips the first value of the schedule (off by one).');
    }
  }
  return warnings;
}

export function formatGap(gap: number): string {
  return Number.isInteger(gap) ? formatStep(gap) : String(Number(gap.toPrecision(3)));
}
