// Chart series from what the server sends: bucketed history (min/max/mean per bucket) merged with
// points pushed live, and the regions where the actual LR and the schedule disagree. Pure.
import type { LivePoint } from '@/lib/live-columns';

export interface Bucket {
  step: number;
  value: number;
  min: number;
  max: number;
}

/**
 * History plus live values, by step, one entry per step (a live value replaces a raw point of
 * the same step: it is the same point, re-sent). Both inputs sorted by step or not; output sorted.
 */
export function mergeLive(history: Bucket[], live: { step: number; value: number | null }[]): Bucket[] {
  if (live.length === 0) return history;
  const byStep = new Map<number, Bucket>();
  for (const b of history) byStep.set(b.step, b);
  for (const p of live) {
    if (p.value === null || !Number.isFinite(p.value)) continue;
    const old = byStep.get(p.step);
    // A bucket wider than one step keeps its min/max: the live value is one of its points.
    if (old && old.min !== old.max) continue;
    byStep.set(p.step, { step: p.step, value: p.value, min: p.value, max: p.value });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Adds pushed points to a buffer in arrival order (merging by step happens in mergeLive; a re-sent step wins). */
export function appendLive(buffer: LivePoint[], points: LivePoint[]): LivePoint[] {
  return points.length === 0 ? buffer : buffer.concat(points);
}

export interface Region {
  from: number;
  to: number;
}

/** Whether two LRs differ beyond rounding (relative 1e-3, absolute 1e-12). */
function differs(a: number, b: number): boolean {
  return Math.abs(a - b) > 1e-12 + 1e-3 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Step ranges where the actual LR leaves the expected one. Compares each actual bucket with the
 * expected bucket that covers its step (the last one at or before it): they agree when their
 * [min, max] ranges touch within rounding. A region runs from the first disagreeing step to the
 * next agreeing one (or the last step).
 */
export function disagreementRegions(actual: Bucket[], expected: Bucket[]): Region[] {
  const regions: Region[] = [];
  if (actual.length === 0 || expected.length === 0) return regions;
  const lastExpected = expected[expected.length - 1].step;
  let j = 0;
  let open: Region | null = null;
  for (const a of actual) {
    if (a.step < expected[0].step || a.step > lastExpected + (expected.length > 1 ? expected[1].step - expected[0].step : 0)) continue;
    while (j + 1 < expected.length && expected[j + 1].step <= a.step) j++;
    const e = expected[j];
    const apart = (a.min > e.max && differs(a.min, e.max)) || (a.max < e.min && differs(a.max, e.min));
    if (apart && !open) open = { from: a.step, to: a.step };
    else if (apart && open) open.to = a.step;
    else if (!apart && open) {
      open.to = a.step;
      regions.push(open);
      open = null;
    }
  }
  if (open) regions.push(open);
  return regions;
}

/** More live points than this on top of the history: re-fetch (the server re-buckets). */
export const LIVE_REFETCH_THRESHOLD = 3000;
