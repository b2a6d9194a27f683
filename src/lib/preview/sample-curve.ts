// The LR over a run's optimizer steps, in at most `maxPoints` buckets that keep each bucket's min
// and max, so a drop (MultiStepLR) or a fast cycle (CyclicLR) stays visible at any zoom-out.
// Exact: every scheduler value in the run is evaluated once. A scheduler stepped once every k
// optimizer steps holds each value for k steps, so a bucket covers a range of n and each value is
// weighted by the steps it holds within the bucket.
import { type Bucket, bucketWidth } from '../downsample';

export interface Curve {
  buckets: Bucket[];
  /** Optimizer steps per bucket. */
  width: number;
}

/**
 * `lrAt(n)`: the LR after n scheduler steps; `stepsPerCall`: optimizer steps between two calls
 * (1 for a scheduler stepped every step, steps per epoch for one stepped per epoch).
 */
export function sampleCurve(lrAt: (n: number) => number, stepsPerCall: number, totalSteps: number, maxPoints = 2000): Curve {
  const k = stepsPerCall;
  const width = bucketWidth(0, totalSteps - 1, maxPoints);
  const buckets: Bucket[] = [];
  for (let a = 0; a < totalSteps; a += width) {
    const b = Math.min(totalSteps - 1, a + width - 1);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let steps = 0;
    for (let n = Math.floor(a / k), last = Math.floor(b / k); n <= last; n++) {
      const v = lrAt(n);
      if (!Number.isFinite(v)) continue;
      const held = Math.min(b, (n + 1) * k - 1) - Math.max(a, n * k) + 1;
      sum += v * held;
      steps += held;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (steps > 0) buckets.push({ step: a, value: sum / steps, min, max });
  }
  return { buckets, width };
}
