// Optimizer steps per epoch, as a run's logs show it, for the runs whose points carry no epoch:
// Coqui logs its epoch statistics ("<model>_TrainEpochStats/...") at the step each epoch ends, and
// the Hugging Face Trainer logs a fractional epoch (train/epoch = steps done / steps per epoch).
import type { LogPoint } from './point-mapping';
import type { StepGroup } from './step-groups';

const EPOCH_END = /(^|[/_])TrainEpochStats\//;

export interface EpochClues {
  /** Steps at which the first epochs ended (at most two are kept). */
  ends: number[];
  /** Steps per epoch from a fractional epoch, once one was seen. */
  fromFraction?: number;
}

export function observeEpochs(clues: EpochClues, groups: readonly StepGroup[], points: readonly LogPoint[]): void {
  for (const g of groups) {
    if (clues.ends.length >= 2) break;
    if (g.step > 0 && g.step !== clues.ends[clues.ends.length - 1] && Object.keys(g.cells).some((k) => EPOCH_END.test(k))) clues.ends.push(g.step);
  }
  if (clues.fromFraction === undefined) {
    const p = points.find((x) => x.epoch !== undefined && x.epoch > 0 && !Number.isInteger(x.epoch) && x.step > 0);
    if (p) clues.fromFraction = Math.max(1, Math.round(p.step / p.epoch!));
  }
}

/** Steps per epoch, or undefined while the logs do not show it. */
export function stepsPerEpochOf(clues: EpochClues): number | undefined {
  if (clues.ends.length >= 2) return clues.ends[1] - clues.ends[0];
  if (clues.ends.length === 1) return clues.ends[0];
  return clues.fromFraction;
}
