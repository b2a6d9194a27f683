// How an optimizer step maps to the scheduler's counter n under one hypothesis about the
// training loop (docs/schedules.md: n(s) = s for a step schedule stepped every optimizer step, ⌊s / stepsPerEpoch⌋
// for an epoch schedule stepped every epoch, k·s when stepped k times per optimizer step, ⌊s / f⌋
// when stepped every f intervals). `delta` asks for n one optimizer step before (−1) or after
// (+1), so an LR logged just before or after scheduler.step() reads as off by one, not as a
// failure. `count` is the scheduler's own counter when the point carries it (NaN otherwise).

export interface Mapping {
  /** Short description for messages: "per step", "per epoch", "4× per optimizer step". */
  readonly label: string;
  /** Whether n is counted in optimizer steps, so a drift between the two counters can be added to `step`. */
  readonly inSteps: boolean;
  /** n at this point (delta 0), or one optimizer step before (−1) or after (+1) it. */
  at(step: number, epoch: number, delta: number, count: number): number;
}

/** n = k·s + offset: every optimizer step (k = 1), or k times per optimizer step. */
export function perStep(k = 1, offset = 0): Mapping {
  return {
    label: k === 1 ? (offset === 0 ? 'per step' : `per step, shifted by ${offset}`) : `${k}× per optimizer step`,
    inSteps: true,
    at: (step, _epoch, delta) => k * (step + delta) + offset,
  };
}

/** n = ⌊s / every⌋: once every `every` optimizer steps (the spec's frequency). */
export function everySteps(every: number): Mapping {
  if (every === 1) return perStep(1);
  return { label: `every ${every} steps`, inSteps: true, at: (step, _epoch, delta) => Math.floor((step + delta) / every) };
}

/** n = ⌊⌊s / stepsPerEpoch⌋ / every⌋: once per epoch (or every `every` epochs) of known length. */
export function perEpochOfLength(stepsPerEpoch: number, every = 1): Mapping {
  return {
    label: every === 1 ? 'per epoch' : `every ${every} epochs`,
    inSteps: true,
    at: (step, _epoch, delta) => Math.floor(Math.floor((step + delta) / stepsPerEpoch) / every),
  };
}

/** n = the trainer's own epoch counter (floored), from `base`, every `every` epochs. */
export function perLoggedEpoch(base: number, every = 1): Mapping {
  return {
    label: every === 1 ? 'per epoch' : `every ${every} epochs`,
    inSteps: false,
    at: (_step, epoch, delta) => Math.floor((Math.floor(epoch + 1e-9) - base + delta) / every),
  };
}

/**
 * n = the logged epoch itself, fractional: scheduler.step(epoch + i / iters) every batch, as
 * PyTorch documents for CosineAnnealingWarmRestarts. One optimizer step is `perStep` epochs.
 */
export function continuousEpoch(perStep: number): Mapping {
  // Rounded to 1e-9 epochs: 2.05 − 0.05 must be the restart at 2, not a hair before it.
  return { label: 'on the fractional epoch', inSteps: false, at: (_step, epoch, delta) => Math.round((epoch + delta * perStep) * 1e9) / 1e9 };
}

/** n = s / stepsPerEpoch, fractional: the same clock for a run that logs no epoch. */
export function stepsAsEpochs(stepsPerEpoch: number): Mapping {
  return { label: 'on the fractional epoch', inSteps: true, at: (step, _epoch, delta) => Math.round(((step + delta) / stepsPerEpoch) * 1e9) / 1e9 };
}

/** n = the scheduler's own counter, as the client read it. */
export function ownCount(): Mapping {
  return { label: "at the scheduler's own count", inSteps: false, at: (_step, _epoch, delta, count) => count + delta };
}
