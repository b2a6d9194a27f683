// Imported points in the shape runs.log takes, cut into batches the API accepts. JSON has no
// NaN or ±∞, so a diverged loss travels as "NaN" / "Infinity" / "-Infinity" (README, "API").
import type { ImportedPoint } from './to-points';

/** runs.log's limit on points per call (README, "Limits"). */
export const MAX_BATCH = 10_000;

export interface ApiPoint {
  step: number;
  lr?: number;
  loss?: number | 'NaN' | 'Infinity' | '-Infinity';
  epoch?: number;
  time?: number;
}

function jsonNumber(v: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

export function toApiPoint(p: ImportedPoint): ApiPoint {
  const out: ApiPoint = { step: p.step };
  if (p.lr !== undefined) out.lr = p.lr;
  if (p.loss !== undefined) out.loss = jsonNumber(p.loss);
  if (p.epoch !== undefined) out.epoch = p.epoch;
  if (p.time !== undefined) out.time = p.time;
  return out;
}

export function* batches<T>(items: readonly T[], size = MAX_BATCH): Generator<T[]> {
  if (!(size >= 1)) throw new RangeError('batch size must be ≥ 1');
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
