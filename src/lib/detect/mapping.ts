// How an optimizer step maps to the scheduler's counter n under one hypothesis about the
// training loop (docs/schedules.md: n(s) = s for a step schedule stepped every optimizer step,
// ⌊s / stepsPerEpoch⌋ for an epoch schedule stepped every epoch, k·s when stepped k times
// per optimizer step). `delta` asks for n one optimizer step before (−1) or after (+1), so an
// LR logged just before or after scheduler.step() reads as off by one, not as a failure.

export interface Mapping {
  /** Short description for messages: "per step", "per epoch", "4× per optimizer step". */
  readonly label: string;
  /** n at this point (delta 0), or one optimizer step before (−1) or after (+1) it. */
  at(step: number, epoch: number, delta: number): number;
}

/** n = k·s + offset: every optimizer step (k = 1), or k times per optimizer step. */
export function perStep(k = 1, offset = 0): Mapping {
  return {
    label: k === 1 ? (offset === 0 ? 'per step' : `per step, shifted by ${offset}`) : `${k}× per optimizer step`,
    at: (step, _epoch, delta) => k * (step + delta) + offset,
  };
}

/** n = ⌊s / stepsPerEpoch⌋: once per epoch of known length. */
export function perEpochOfLength(stepsPerEpoch: number): Mapping {
  return { label: 'per epoch', at: (step, _epoch, delta) => Math.floor((step + delta) / stepsPerEpoch) };
}

/** n = the trainer's own epoch counter, from `base` (1 for trainers that count epochs from 1). */
export function perLoggedEpoch(base: number): Mapping {
  return { label: 'per epoch', at: (_step, epoch, delta) => Math.floor(epoch + 1e-9) - base + delta };
}
