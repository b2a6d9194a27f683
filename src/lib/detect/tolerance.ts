// How close a logged LR must be to the schedule's to count as "the same". Logs print LRs with
// a few significant digits (or fixed decimals), while a client reading param_groups sends exact
// doubles; docs/schedules.md asks for ~1e-3 relative on printed values and tighter on exact ones, because
// a tight tolerance is what lets smooth schedules (cosine, exponential) be checked early.

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Points whose printed precision decides the tolerance; after these it stays fixed. */
export const PRECISION_SAMPLE = 64;

/** The fewest significant digits that reproduce x exactly (17 for an arbitrary double). */
export function significantDigits(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 1;
  for (let d = 1; d < 17; d++) if (Number(x.toPrecision(d)) === x) return d;
  return 17;
}

/** The fewest decimal places that reproduce x exactly, or Infinity past 12. */
export function decimalPlaces(x: number): number {
  for (let d = 0; d <= 12; d++) if (Number(x.toFixed(d)) === x) return d;
  return Number.POSITIVE_INFINITY;
}

/**
 * Tolerance for a series whose first values are `sample`, on a schedule whose LRs are about
 * `scale`. Exact doubles (or float32s) get 1e-6 relative; printed values get half a unit of
 * their last printed digit, and never less than 1e-3 (a single short value such as 5e-4 says
 * nothing about how many digits the logger would have printed).
 */
export function toleranceFor(sample: ArrayLike<number>, count: number, scale: number): Tolerance {
  let sig = 1;
  let decimals = 0;
  for (let i = 0; i < count; i++) {
    sig = Math.max(sig, significantDigits(sample[i]));
    decimals = Math.max(decimals, decimalPlaces(sample[i]));
  }
  const floor = 1e-9 * Math.abs(scale);
  if (sig >= 8) return { rtol: 1e-6, atol: floor };
  const rtol = Math.min(6e-3, Math.max(1e-3, 0.6 * 10 ** (1 - sig)));
  // Fixed-decimal loggers ("lr 0.000047") lose small values absolutely, not relatively.
  const atol = Number.isFinite(decimals) ? Math.max(floor, 0.6 * 10 ** -decimals) : floor;
  return { rtol, atol: Math.min(atol, 1e-3 * Math.abs(scale)) };
}

export function close(actual: number, expected: number, tol: Tolerance): boolean {
  return Math.abs(actual - expected) <= tol.rtol * Math.max(Math.abs(actual), Math.abs(expected)) + tol.atol;
}
