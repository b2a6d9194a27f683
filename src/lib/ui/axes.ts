// X axes for charts: by step, epoch, wall time or time since the run started. The server buckets
// by step; epoch and time come as samples (step → epoch, step → time) that are interpolated
// here, and inverted to turn a zoomed x range back into steps for the next fetch. Pure.

import { formatStep } from './format';

export type XMode = 'step' | 'epoch' | 'wall' | 'relative';

export const X_MODES: { mode: XMode; label: string }[] = [
  { mode: 'step', label: 'Step' },
  { mode: 'epoch', label: 'Epoch' },
  { mode: 'wall', label: 'Wall time' },
  { mode: 'relative', label: 'Relative time' },
];

/** A monotone sample of some quantity against step, sorted by step. */
export interface StepMap {
  steps: number[];
  values: number[];
}

export function stepMap(samples: { step: number; value: number }[]): StepMap {
  const sorted = samples.filter((s) => Number.isFinite(s.value)).sort((a, b) => a.step - b.step);
  return { steps: sorted.map((s) => s.step), values: sorted.map((s) => s.value) };
}

/**
 * A map for epochs, which trainers usually log as whole numbers: only the first step of each
 * epoch is kept, so interpolation gives fractional epochs within it instead of a staircase.
 */
export function epochMap(samples: { step: number; value: number }[]): StepMap {
  const m = stepMap(samples);
  const steps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m.steps.length; i++) {
    if (i > 0 && m.values[i] === m.values[i - 1]) continue;
    steps.push(m.steps[i]);
    values.push(m.values[i]);
  }
  return { steps, values };
}

/** Adds exact samples (live points carry their epoch and time). */
export function extendStepMap(map: StepMap, samples: { step: number; value: number | null }[], build: (s: { step: number; value: number }[]) => StepMap = stepMap): StepMap {
  const extra = samples.filter((s): s is { step: number; value: number } => s.value !== null && Number.isFinite(s.value));
  if (extra.length === 0) return map;
  return build([...map.steps.map((step, i) => ({ step, value: map.values[i] })), ...extra]);
}

function upperIndex(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Linear interpolation between samples; beyond the last, along the last segment; flat before the first; NaN without samples. */
export function interpolate(map: StepMap, step: number): number {
  const { steps, values } = map;
  if (steps.length === 0) return Number.NaN;
  if (step <= steps[0]) return values[0];
  const n = steps.length;
  if (step >= steps[n - 1]) {
    if (n < 2 || steps[n - 1] === steps[n - 2]) return values[n - 1];
    return values[n - 1] + ((values[n - 1] - values[n - 2]) * (step - steps[n - 1])) / (steps[n - 1] - steps[n - 2]);
  }
  const i = upperIndex(steps, step);
  const s0 = steps[i - 1];
  const s1 = steps[i];
  if (s1 === s0) return values[i];
  return values[i - 1] + ((values[i] - values[i - 1]) * (step - s0)) / (s1 - s0);
}

/** The step where a monotone non-decreasing quantity reaches `value` (the inverse of interpolate). */
export function invert(map: StepMap, value: number): number {
  const { steps, values } = map;
  if (steps.length === 0) return Number.NaN;
  if (value <= values[0]) return steps[0];
  if (value >= values[values.length - 1]) return steps[steps.length - 1];
  const i = upperIndex(values, value);
  const v0 = values[i - 1];
  const v1 = values[i];
  if (v1 === v0) return steps[i];
  return steps[i - 1] + ((steps[i] - steps[i - 1]) * (value - v0)) / (v1 - v0);
}

export interface AxisMaps {
  epoch: StepMap;
  time: StepMap;
}

/** Whether a run has the data an x mode needs. */
export function axisAvailable(mode: XMode, maps: AxisMaps): boolean {
  if (mode === 'step') return true;
  if (mode === 'epoch') return maps.epoch.steps.length > 0;
  return maps.time.steps.length > 0;
}

/** Maps a step to the x value of a mode. Wall time is in ms (Date), relative time in s. */
export function toX(mode: XMode, step: number, maps: AxisMaps): number {
  switch (mode) {
    case 'step':
      return step;
    case 'epoch':
      return interpolate(maps.epoch, step);
    case 'wall':
      return interpolate(maps.time, step) * 1000;
    case 'relative':
      return interpolate(maps.time, step) - (maps.time.values[0] ?? 0);
  }
}

/** The step range an x range shows (to re-fetch a zoomed view), widened to whole steps. */
export function stepsForX(mode: XMode, x0: number, x1: number, maps: AxisMaps): { from: number; to: number } {
  const back = (x: number) => {
    switch (mode) {
      case 'step':
        return x;
      case 'epoch':
        return invert(maps.epoch, x);
      case 'wall':
        return invert(maps.time, x / 1000);
      case 'relative':
        return invert(maps.time, x + (maps.time.values[0] ?? 0));
    }
  };
  const a = back(Math.min(x0, x1));
  const b = back(Math.max(x0, x1));
  return { from: Math.max(0, Math.floor(a)), to: Math.max(0, Math.ceil(b)) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The exact x for tooltips: a whole step, an epoch to 3 decimals, a full date and time, h:mm:ss. */
export function xExactFormatter(mode: XMode): (v: number) => string {
  switch (mode) {
    case 'step':
      return (v) => Math.round(v).toLocaleString('en-US');
    case 'epoch':
      return (v) => String(Number(v.toFixed(3)));
    case 'wall':
      return (v) => {
        const d = new Date(v);
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      };
    case 'relative':
      return (v) => {
        const s = Math.round(v);
        return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
      };
  }
}

/** Tick labels per mode. */
export function xFormatter(mode: XMode, spanMs?: number): (v: number) => string {
  switch (mode) {
    case 'step':
      // Ticks of a zoomed axis can fall between steps; a step is a whole number.
      return (v) => (!Number.isInteger(v) ? '' : Math.abs(v) >= 1e6 ? `${Number((v / 1e6).toPrecision(3))}M` : Math.abs(v) >= 1e4 ? `${Number((v / 1e3).toPrecision(3))}k` : formatStep(v));
    case 'epoch':
      return (v) => String(Number(v.toFixed(2)));
    case 'wall':
      // Always with the date: a run spans midnight, and a bare 09:00 does not say which day.
      return (v) => {
        const d = new Date(v);
        const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
        return spanMs !== undefined && spanMs < 60_000 ? `${MONTHS[d.getMonth()]} ${d.getDate()} ${hm}:${pad(d.getSeconds())}` : `${MONTHS[d.getMonth()]} ${d.getDate()} ${hm}`;
      };
    case 'relative':
      return (v) => {
        const s = Math.round(v);
        const h = Math.floor(s / 3600);
        const m = Math.floor((s % 3600) / 60);
        return h > 0 ? `${h}h${String(m).padStart(2, '0')}` : `${m}m${String(s % 60).padStart(2, '0')}`;
      };
  }
}

export const X_TITLES: Record<XMode, string> = { step: 'step', epoch: 'epoch', wall: 'wall time', relative: 'time since start' };

/** Chart points for buckets on an x mode; buckets whose x is unknown are left out. */
export function bucketsToXY<T extends { step: number }>(buckets: T[], mode: XMode, maps: AxisMaps, y: (b: T) => number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const b of buckets) {
    const x = toX(mode, b.step, maps);
    if (Number.isFinite(x)) out.push({ x, y: y(b) });
  }
  return out;
}
