// ReduceLROnPlateau cannot be checked from the step count (its LR follows a metric), but how it
// is stepped can: never (the LR never drops), or after every batch (patience then counts
// batches of a noisy training metric, not evaluations). Warnings, never flags.
import { formatStep } from '../ui/format';
import type { ScheduleSpec } from '../schedules/types';
import type { ObservedCadence } from '../verdict';
import { formatGap, observedGap } from './plausibility';

/** PyTorch's name and Hugging Face's for the same scheduler. */
export const PLATEAU_NAMES: ReadonlySet<string> = new Set(['ReduceLROnPlateau', 'reduce_lr_on_plateau']);

/** Epochs without a scheduler.step() call before "never stepped" is said. */
const QUIET_EPOCHS = 2;

export function plateauWarnings(spec: ScheduleSpec, stepsPerEpoch: number | undefined, cadence: ObservedCadence | undefined): string[] {
  if (!PLATEAU_NAMES.has(spec.name) || !cadence) return [];
  const patience = typeof spec.params?.patience === 'number' ? spec.params.patience : 10;
  if (cadence.schedulerSteps === 0) {
    if (!stepsPerEpoch || cadence.optimizerSteps < QUIET_EPOCHS * stepsPerEpoch) return [];
    const epochs = Math.floor(cadence.optimizerSteps / stepsPerEpoch);
    return [
      `ReduceLROnPlateau has not been stepped in ${formatStep(cadence.optimizerSteps)} optimizer steps (${formatStep(epochs)} epochs): without scheduler.step(val_loss) after each evaluation it never lowers the LR.`,
    ];
  }
  const gap = observedGap(cadence);
  if (gap === undefined || stepsPerEpoch === 1) return [];
  const perBatch = stepsPerEpoch ? gap < stepsPerEpoch / 2 : gap <= 1.5;
  if (!perBatch) return [];
  const every = gap === 1 ? 'after every optimizer step' : `once every ${formatGap(gap)} optimizer steps`;
  return [
    `ReduceLROnPlateau is stepped ${every}, not once per evaluation: patience=${patience} counts those calls, so a noisy per-batch metric that has not improved for ${formatStep(Math.round((patience + 1) * gap))} optimizer steps cuts the LR. Call scheduler.step(val_loss) once per evaluation.`,
  ];
}
