// Exponential moving average for noisy loss curves, debiased like TensorBoard's so the start of
// the curve is not pulled towards zero. Non-finite values are passed through and skipped.

export interface XY {
  x: number;
  y: number;
}

/** weight in [0, 1): 0 = no smoothing, 0.99 = very smooth. */
export function ema(points: XY[], weight: number): XY[] {
  if (!(weight > 0)) return points;
  const w = Math.min(weight, 0.999);
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return p;
    last = last * w + (1 - w) * p.y;
    n++;
    return { x: p.x, y: last / (1 - w ** n) };
  });
}
