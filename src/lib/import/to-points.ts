// Rows of a table → points for lrscope, one per step. Rows with the same step are merged (Lightning
// writes the LR and the loss of one step on separate rows); a later value wins. Every value is
// checked against the API's rules here, so a bad cell is reported by its line and column instead
// of as "points[4711].lr" from the server.
import { cellNumber } from './cells';
import type { Field, Mapping } from './columns';
import { ImportError } from './errors';
import type { Row, Table } from './table';

export interface ImportedPoint {
  step: number;
  lr?: number;
  loss?: number;
  epoch?: number;
  /** Unix seconds. */
  time?: number;
}

/** The API's largest step (README, "Limits"). */
const MAX_STEP = 2_147_483_647;

type Rule = (v: number) => boolean;
const RULES: Record<Exclude<Field, 'step'>, { ok: Rule; expects: string }> = {
  lr: { ok: (v) => Number.isFinite(v) && v >= 0, expects: 'a finite number ≥ 0' },
  loss: { ok: () => true, expects: 'a number' },
  epoch: { ok: (v) => Number.isFinite(v) && v >= 0, expects: 'a finite number ≥ 0' },
  time: { ok: (v) => Number.isFinite(v), expects: 'Unix seconds (a finite number)' },
};

function show(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

export interface Converted {
  points: ImportedPoint[];
  /** Rows that gave a point (before merging by step). */
  rowsUsed: number;
}

export function toPoints(table: Table, mapping: Mapping): Converted {
  const index = (f: Field) => (mapping[f] === undefined ? -1 : table.columns.indexOf(mapping[f]!));
  const stepAt = index('step');
  if (stepAt < 0) throw new ImportError('no step column chosen');
  const valueFields = (['lr', 'loss', 'epoch', 'time'] as const).map((f) => ({ f, at: index(f), rule: RULES[f] })).filter((x) => x.at >= 0);

  const fail = (row: Row, field: Field, rule: string): never => {
    throw new ImportError(`${table.locate(row)}, column "${mapping[field]}" (${field}): ${rule}`);
  };

  // One object per row that has values, and no other allocation: a million-row log must not
  // spend its time collecting garbage.
  const points: ImportedPoint[] = [];
  let inOrder = true;
  let previous = -1;
  for (const row of table.rows) {
    let p: ImportedPoint | undefined;
    for (const { f, at, rule } of valueFields) {
      const v = cellNumber(row.cells[at]);
      if (v === undefined) continue;
      if (typeof v === 'object') fail(row, f, `must be ${rule.expects}, got ${v.bad}`);
      else if (!rule.ok(v)) fail(row, f, `must be ${rule.expects}, got ${show(v)}`);
      else (p ??= { step: 0 })[f] = v;
    }
    const s = cellNumber(row.cells[stepAt]);
    if (s === undefined) {
      if (p) fail(row, 'step', 'is empty, but the row has values; every row with values needs its step');
      continue;
    }
    if (typeof s === 'object') fail(row, 'step', `must be a whole number ≥ 0, got ${s.bad}`);
    const step = s as number;
    if (!Number.isInteger(step) || step < 0) fail(row, 'step', `must be a whole number ≥ 0, got ${show(step)}`);
    if (step > MAX_STEP) fail(row, 'step', `must be at most ${MAX_STEP.toLocaleString('en-US')}, got ${step}`);
    if (!p) continue;
    p.step = step;
    points.push(p);
    if (step <= previous) inOrder = false;
    previous = step;
  }
  return { points: inOrder ? points : mergeSteps(points), rowsUsed: points.length };
}

/** Sorts by step (stably, so file order is kept within a step) and merges each step's rows, later values winning. */
function mergeSteps(points: ImportedPoint[]): ImportedPoint[] {
  points.sort((a, b) => a.step - b.step);
  const out: ImportedPoint[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last.step === p.step) Object.assign(last, p);
    else out.push(p);
  }
  return out;
}
