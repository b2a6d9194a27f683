// Several optimizers in one run (GANs, Coqui's vocoders): what a point carries for each, the
// chart series each optimizer's LR is stored and read as, and a point as one optimizer saw it.
// Pure.

/** Optimizer names: what clients send (Coqui's "gen"/"disc", or the index as a string). */
export const OPTIMIZER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Per point and per run. */
export const MAX_OPTIMIZERS = 8;

/** One optimizer's values at a point: group 0's LR, every group's LR, its scheduler's own counter. */
export interface OptimizerValues {
  lr?: number;
  lrs?: number[];
  schedulerStep?: number;
}

export type PointOptimizers = Record<string, OptimizerValues>;

// ":" cannot occur in a logged metric's name, so these never collide with one.
const LR_PREFIX = 'lr:';
const EXPECTED_PREFIX = 'expected_lr:';

/** The series an optimizer's logged LR is stored as, beside the run's metrics: "lr:<name>". */
export const lrSeriesName = (optimizer: string) => `${LR_PREFIX}${optimizer}`;

/** The series of the LR an optimizer's own schedule prescribes: "expected_lr:<name>". */
export const expectedSeriesName = (optimizer: string) => `${EXPECTED_PREFIX}${optimizer}`;

/** Which optimizer a series name is about, or undefined for any other series. */
export function optimizerSeries(series: string): { kind: 'lr' | 'expected_lr'; optimizer: string } | undefined {
  for (const [kind, prefix] of [['lr', LR_PREFIX], ['expected_lr', EXPECTED_PREFIX]] as const) {
    if (series.startsWith(prefix) && OPTIMIZER_NAME.test(series.slice(prefix.length))) return { kind, optimizer: series.slice(prefix.length) };
  }
  return undefined;
}

/** The optimizers whose LR a run has logged, in the order their series were first seen. */
export function loggedOptimizers(metricNames: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of metricNames) {
    const s = optimizerSeries(n);
    if (s?.kind === 'lr') out.push(s.optimizer);
  }
  return out;
}

/** A run's optimizers for its page: those declared (in order), then any only its points name. */
export function runOptimizerNames(declared: readonly { name: string }[], metricNames: readonly string[]): string[] {
  const names = declared.map((o) => o.name);
  for (const n of loggedOptimizers(metricNames)) if (!names.includes(n)) names.push(n);
  return names;
}

// Series names by optimizer name, built once: a key made by concatenation on every point costs
// V8 a hash and an internalisation per insert (measured, about 3x the cost of this whole loop).
const SERIES_NAMES = new Map<string, string>();
function cachedLrSeriesName(optimizer: string): string {
  let name = SERIES_NAMES.get(optimizer);
  if (name === undefined) {
    if (SERIES_NAMES.size >= 1024) SERIES_NAMES.clear();
    SERIES_NAMES.set(optimizer, (name = lrSeriesName(optimizer)));
  }
  return name;
}

/**
 * The batch with each optimizer's LR added to the point's metrics as "lr:<name>", so it is stored,
 * rolled up and charted as a series of its own. Points without optimizers are returned as they
 * are, and so is the batch when none has any; the caller's points are not changed.
 */
export function withOptimizerSeries<P extends { metrics?: Record<string, number>; optimizers?: PointOptimizers }>(points: P[]): P[] {
  let out: P[] | undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const optimizers = p.optimizers;
    if (!optimizers) continue;
    let metrics: Record<string, number> | undefined;
    for (const name in optimizers) {
      const lr = optimizers[name].lr ?? optimizers[name].lrs?.[0];
      if (lr === undefined) continue;
      metrics ??= p.metrics ? { ...p.metrics } : {};
      metrics[cachedLrSeriesName(name)] = lr;
    }
    if (!metrics) continue;
    out ??= points.slice();
    out[i] = { ...p, metrics };
  }
  return out ?? points;
}

/**
 * A stored step's optimizers with those of a later record for the same step added (several
 * watchers whose records for one step arrived in different batches): an optimizer the step
 * already has keeps its values, as a step keeps its first lr. Undefined when nothing is new.
 */
export function withLateOptimizers(stored: PointOptimizers | null | undefined, late: PointOptimizers): PointOptimizers | undefined {
  const added = Object.keys(late).filter((name) => !stored?.[name]);
  if (added.length === 0) return undefined;
  const out = { ...stored };
  for (const name of added) out[name] = late[name];
  return out;
}

interface PointWithLr {
  lr?: number | null;
  lrs?: number[] | null;
  schedulerStep?: number | null;
  optimizers?: PointOptimizers | null;
}

/**
 * A point as one optimizer saw it: that optimizer's lr, lrs and schedulerStep in place of the
 * point's own. The point's own values are the first optimizer's (the wire contract), so the first
 * falls back on them where the point names no values for it; another optimizer gets none.
 */
export function asOptimizer<P extends PointWithLr>(p: P, optimizer: string, first: boolean): P {
  const own = p.optimizers?.[optimizer];
  if (!own) return first ? p : { ...p, lr: undefined, lrs: undefined, schedulerStep: undefined };
  return { ...p, lr: own.lr, lrs: own.lrs, schedulerStep: own.schedulerStep };
}
