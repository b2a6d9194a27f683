// What a trainer logged, turned into what `runs.log` accepts. The server rejects a whole batch
// for one bad value (a batch is all or nothing), so a value it would refuse is dropped here,
// one field at a time, and reported, instead of costing the batch around it.
import type { WirePoint } from './wire-types';

// The server's limits (README, "Limits"; src/server/api/limits.ts).
export const MAX_STEP = 2_147_483_647;
const MAX_GROUPS = 1_024;
const MAX_METRICS = 100;
const METRIC_NAME = /^[A-Za-z0-9_.\/-]{1,100}$/;
const RESERVED = new Set(['lr', 'loss', 'expected_lr']);
const FIELDS = new Set(['lr', 'lrs', 'loss', 'epoch', 'time', 'metrics']);

/** `run.log(step, values)`: lr, lrs, loss, epoch, time (Unix seconds), and any other key is a metric. */
export interface LogValues {
  lr?: number;
  lrs?: number[];
  loss?: number;
  epoch?: number;
  time?: number;
  /** Metrics may also come nested, as runs.log takes them. */
  metrics?: Record<string, number>;
  [metric: string]: number | number[] | Record<string, number> | undefined;
}

export type Problem = (key: string, message: string) => void;

type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export function isStep(step: unknown): step is number {
  return typeof step === 'number' && Number.isInteger(step) && step >= 0 && step <= MAX_STEP;
}

function metricValue(v: unknown): MetricValue | undefined {
  if (typeof v !== 'number') return undefined;
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function toWirePoint(step: number, values: LogValues, problem: Problem): WirePoint {
  const p: WirePoint = { step };
  if (values.lr !== undefined) {
    if (isRate(values.lr)) p.lr = values.lr;
    else problem('lr', `lr must be a finite number ≥ 0, got ${String(values.lr)}; that value is not sent`);
  }
  if (values.lrs !== undefined) {
    const lrs = values.lrs;
    if (Array.isArray(lrs) && lrs.length > 0 && lrs.length <= MAX_GROUPS && lrs.every(isRate)) p.lrs = [...lrs];
    else problem('lrs', `lrs must list 1 to ${MAX_GROUPS} finite numbers ≥ 0; that value is not sent`);
  }
  if (values.epoch !== undefined) {
    if (isRate(values.epoch)) p.epoch = values.epoch;
    else problem('epoch', `epoch must be a finite number ≥ 0, got ${String(values.epoch)}; that value is not sent`);
  }
  if (values.time !== undefined) {
    if (typeof values.time === 'number' && Number.isFinite(values.time)) p.time = values.time;
    else problem('time', 'time must be Unix seconds (a finite number); that value is not sent');
  }
  if (values.loss !== undefined) {
    const loss = metricValue(values.loss);
    if (loss !== undefined) p.loss = loss;
    else problem('loss', `loss must be a number, got ${typeof values.loss}; that value is not sent`);
  }

  let metrics: Record<string, MetricValue> | undefined;
  let count = 0;
  const addMetric = (name: string, raw: unknown) => {
    if (!METRIC_NAME.test(name) || RESERVED.has(name)) {
      problem(`name:${name}`, `metric name "${name.slice(0, 100)}" is not allowed (letters, digits and _ . / -, at most 100 characters; not lr, loss or expected_lr); it is not sent`);
      return;
    }
    const v = metricValue(raw);
    if (v === undefined) {
      problem(`value:${name}`, `metric "${name}" must be a number, got ${typeof raw}; it is not sent`);
      return;
    }
    metrics ??= {};
    if (!(name in metrics)) count++;
    if (count > MAX_METRICS) {
      problem('too-many', `at most ${MAX_METRICS} metrics per point; the rest are not sent`);
      return;
    }
    metrics[name] = v;
  };
  for (const key in values) {
    const raw = values[key];
    if (raw === undefined) continue;
    if (key === 'metrics' && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const name in raw) addMetric(name, (raw as Record<string, unknown>)[name]);
    } else if (!FIELDS.has(key)) {
      addMetric(key, raw);
    }
  }
  if (metrics) p.metrics = metrics;
  return p;
}
