// What an LR chart marks on a flagged verdict: where the actual LR leaves the expected one
// (shaded) and the first bad step (a line), in the chart's x units. Pure.
import type { Verdict } from '../verdict';
import { type AxisMaps, toX, type XMode } from './axes';
import { formatStep } from './format';
import { type Bucket, disagreementRegions } from './series';

export interface LrAnnotations {
  lines: { x: number; label: string }[];
  boxes: { from: number; to: number; label?: string }[];
}

export function lrAnnotations(verdict: Verdict | undefined, actual: Bucket[], expected: Bucket[], mode: XMode, maps: AxisMaps): LrAnnotations {
  const out: LrAnnotations = { lines: [], boxes: [] };
  if (!verdict?.flagged) return out;
  for (const region of disagreementRegions(actual, expected)) {
    const a = toX(mode, region.from, maps);
    const b = toX(mode, region.to, maps);
    if (Number.isFinite(a) && Number.isFinite(b)) out.boxes.push({ from: a, to: b, label: out.boxes.length === 0 ? 'LR off schedule' : undefined });
  }
  if (verdict.firstBadStep !== undefined) {
    const x = toX(mode, verdict.firstBadStep, maps);
    if (Number.isFinite(x)) out.lines.push({ x, label: `first bad step ${formatStep(verdict.firstBadStep)}` });
  }
  return out;
}
