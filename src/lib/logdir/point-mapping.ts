// A log's columns (tags) → which is the point's lr, lrs, loss, epoch and time, the way
// `lrscope import` chooses them (current_lr, learning_rate, lr-Adam, train/…), with each
// optimizer's LR tags in the point's optimizers (optimizer-lrs.ts); every other numeric column is
// logged as a metric.
import { mapColumns } from '../import/columns';
import type { StepGroup } from './step-groups';
import { WALL_TIME } from './log-rows';
import type { PointOptimizers } from '../optimizers/optimizer-points';
import { optimizerLrs, type PlacedOptimizer, placeLrTags } from './optimizer-lrs';

/** The API's limits (README, "Limits"). */
const MAX_STEP = 2_147_483_647;
const METRICS_PER_POINT = 100;
/** Columns kept as metrics per file: a run may have at most 1,000 metric names, and a trainer that logs per-layer weight statistics as scalars has thousands. */
export const MAX_METRIC_COLUMNS = 500;

export interface PointMapping {
  lr?: string;
  lrs?: string[];
  loss?: string;
  epoch?: string;
  time?: string;
  /** Runs with several optimizers: each one's LR tags, the first's being lr / lrs too. */
  optimizers: PlacedOptimizer[];
  /** Column → the metric name it is logged as. */
  metrics: Map<string, string>;
  /** Choices worth telling the user (several LR columns, none). */
  notes: string[];
}

export interface LogPoint {
  step: number;
  lr?: number;
  lrs?: number[];
  loss?: number;
  epoch?: number;
  time?: number;
  optimizers?: PointOptimizers;
  metrics?: Record<string, number>;
}

/** A metric name the API accepts: letters, digits and _ . / -; lr, loss and expected_lr are fields of their own. */
function metricName(column: string): string {
  const name = column.replace(/[^A-Za-z0-9_.\/-]+/g, '_').slice(0, 100) || '_';
  return name === 'lr' || name === 'loss' || name === 'expected_lr' ? `${name}_` : name;
}

/** `names`: optimizers renamed by their name in the log (Coqui's "0" → "disc", coqui-gan.ts). */
export function mapLogColumns(columns: readonly string[], names: Readonly<Record<string, string>> = {}): PointMapping {
  const placed = placeLrTags(optimizerLrs(columns), names);
  const named = ['step', ...columns.filter((c) => c !== 'step')];
  const { mapping, problems } = mapColumns(named, { step: 'step', ...(placed.lr !== undefined && { lr: placed.lr }) });
  const notes: string[] = [];
  for (const p of problems) {
    if (p.field !== 'lr') continue;
    notes.push(p.kind === 'ambiguous' ? `columns ${p.candidates.map((c) => `"${c}"`).join(' and ')} all look like the learning rate: none is used as the LR` : 'no learning-rate column (lr, learning_rate, current_lr, lr-<optimizer>): the LR is not charted');
  }
  if (placed.optimizers.length) notes.push(`several optimizers, each with an LR of its own: ${placed.optimizers.map((o) => `${o.name} ("${o.lr}")`).join(', ')}`);
  if (placed.apart.length) notes.push(`more than ${placed.optimizers.length} optimizers: ${placed.apart.map((t) => `"${t}"`).join(', ')} are kept as metrics`);
  const tags = placed.optimizers.flatMap((o) => o.lrs ?? [o.lr]);
  const used = new Set<string>([mapping.lr, mapping.loss, mapping.epoch, mapping.time, ...(placed.lrs ?? []), ...tags].filter((c): c is string => c !== undefined));
  const metrics = new Map<string, string>();
  let left = 0;
  for (const c of columns) {
    if (used.has(c) || c === WALL_TIME) continue;
    if (metrics.size < MAX_METRIC_COLUMNS) metrics.set(c, metricName(c));
    else left++;
  }
  if (left) notes.push(`${left.toLocaleString('en-US')} more columns are not kept: at most ${MAX_METRIC_COLUMNS} per file become metrics`);
  return { lr: mapping.lr, lrs: placed.lrs, loss: mapping.loss, epoch: mapping.epoch, time: mapping.time, optimizers: placed.optimizers, metrics, notes };
}

const okLr = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;

/**
 * Whether a step's values hold every point field the log maps (its LR and param groups, loss,
 * epoch): nothing that a later record could still add to the point. Only asked once the file has
 * shown where a step ends (groupSteps' `settled`): before that the columns seen may be only the
 * first step's first records.
 */
export function holdsEveryField(m: PointMapping, cells: Record<string, number>): boolean {
  const fields = [m.lr, m.loss, m.epoch, ...(m.lrs ?? []), ...m.optimizers.map((o) => o.lr)].filter((c): c is string => c !== undefined);
  return fields.length > 0 && fields.every((c) => c in cells);
}

/** Groups → points the API accepts; a value that breaks a rule (a NaN LR, a negative epoch) is left out and counted. */
export function toLogPoints(groups: readonly StepGroup[], m: PointMapping): { points: LogPoint[]; dropped: string[] } {
  const points: LogPoint[] = [];
  const dropped: string[] = [];
  for (const g of groups) {
    if (!Number.isSafeInteger(g.step) || g.step < 0 || g.step > MAX_STEP) {
      dropped.push(`step ${g.step}: must be a whole number from 0 to ${MAX_STEP}`);
      continue;
    }
    const p: LogPoint = { step: g.step };
    const lr = m.lr === undefined ? undefined : g.cells[m.lr];
    if (okLr(lr)) p.lr = lr;
    else if (lr !== undefined) dropped.push(`step ${g.step}: LR ${lr} is not a finite number ≥ 0`);
    if (m.lrs && p.lr !== undefined) {
      const lrs = m.lrs.map((c) => g.cells[c]);
      if (lrs.every(okLr)) p.lrs = lrs;
    }
    m.optimizers.forEach((o, i) => {
      const v = g.cells[o.lr];
      // The first optimizer's LR is the point's lr, whose refusal is told above.
      if (v !== undefined && !okLr(v) && i > 0) dropped.push(`step ${g.step}: LR ${v} of optimizer ${o.name} is not a finite number ≥ 0`);
      if (!okLr(v)) return;
      const lrs = o.lrs?.map((c) => g.cells[c]);
      (p.optimizers ??= {})[o.name] = lrs?.every(okLr) ? { lr: v, lrs } : { lr: v };
    });
    const loss = m.loss === undefined ? undefined : g.cells[m.loss];
    if (loss !== undefined) p.loss = loss;
    const epoch = m.epoch === undefined ? undefined : g.cells[m.epoch];
    if (epoch !== undefined && Number.isFinite(epoch) && epoch >= 0) p.epoch = epoch;
    const time = g.cells[m.time ?? WALL_TIME];
    if (time !== undefined && Number.isFinite(time)) p.time = time;
    let count = 0;
    for (const column in g.cells) {
      const value = g.cells[column];
      const name = m.metrics.get(column);
      if (name === undefined || count >= METRICS_PER_POINT) continue;
      (p.metrics ??= {})[name] = value;
      count++;
    }
    if (p.lr === undefined && p.optimizers === undefined && p.loss === undefined && p.metrics === undefined) continue;
    points.push(p);
  }
  return { points, dropped };
}
