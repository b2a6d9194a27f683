// Bucketing for charts: at most `maxPoints` buckets over a step range, each keeping min and max
// so no spike disappears. The store does the same in SQL; expected LR is bucketed here.

export interface Bucket {
  /** First step of the bucket that has a value. */
  step: number;
  /** Mean of the bucket's values. */
  value: number;
  min: number;
  max: number;
}

/** Steps per bucket so that [from, to] fits in at most maxPoints buckets. */
export function bucketWidth(from: number, to: number, maxPoints: number): number {
  if (!(maxPoints >= 1)) throw new RangeError('maxPoints must be ≥ 1');
  if (to < from) return 1;
  return Math.max(1, Math.ceil((to - from + 1) / Math.floor(maxPoints)));
}

/**
 * Buckets (step, value) pairs given in increasing step order; bucket k covers steps
 * [from + k·width, from + (k+1)·width). Non-finite values are skipped.
 */
export function downsample(steps: ArrayLike<number>, values: ArrayLike<number>, from: number, width: number): Bucket[] {
  const out: Bucket[] = [];
  let key = Number.NaN;
  let cur: Bucket | undefined;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const k = Math.floor((steps[i] - from) / width);
    if (k !== key || !cur) {
      if (cur) {
        cur.value = sum / n;
        out.push(cur);
      }
      key = k;
      cur = { step: steps[i], value: v, min: v, max: v };
      sum = 0;
      n = 0;
    }
    sum += v;
    n++;
    if (v < cur.min) cur.min = v;
    if (v > cur.max) cur.max = v;
  }
  if (cur) {
    cur.value = sum / n;
    out.push(cur);
  }
  return out;
}
