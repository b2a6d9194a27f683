// How an optimizer step maps to the scheduler's counter n under one hypothesis about the
// training loop (LR-SPEC: n(s) = s for a step schedule stepped every optimizer step,
// ⌊s / stepsPerEpoch⌋ for an epoch schedule stepped every epoch, k·s when stepped k times
// per optimizer step). `around` also gives the counters one optimizer step either side, so an
// LR logged just before or after scheduler.step() reads as off by one, not as a failure.

export interface Mapping {
  /** Short description for messages: "per step", "per epoch", "4× per step". */
  readonly label: string;
  /** Writes n at this point, and n one optimizer step before and after, into out[0..2]. */
  around(step: number, epoch: number, out: Float64Array): void;
}

/** n = k·s + offset: every optimizer step (k = 1), or k times per optimizer step. */
export function perStep(k = 1, offset = 0): Mapping {
  return {
    label: k === 1 ? (offset === 0 ? 'per step' : `per step, shifted by ${offset}`) : `${k}× per optimizer step`,
    around(step, _epoch, out) {
      out[0] = k * step + offset;
      out[1] = k * (step - 1) + offset;
      out[2] = k * (step + 1) + offset;
    },
  };
}

/** n = ⌊s / stepsPerEpoch⌋: once per epoch of known length. */
export function perEpochOfLength(stepsPerEpoch: number): Mapping {
  return {
    label: 'per epoch',
    around(step, _epoch, out) {
      out[0] = Math.floor(step / stepsPerEpoch);
      out[1] = Math.floor((step - 1) / stepsPerEpoch);
      out[2] = Math.floor((step + 1) / stepsPerEpoch);
    },
  };
}

/** n = the trainer's own epoch counter, from `base` (1 for trainers that count epochs from 1). */
export function perLoggedEpoch(base: number): Mapping {
  return {
    label: 'per epoch',
    around(_step, epoch, out) {
      const e = Math.floor(epoch + 1e-9) - base;
      out[0] = e;
      out[1] = e - 1;
      out[2] = e + 1;
    },
  };
}
