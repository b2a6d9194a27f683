// A log file's new bytes → rows (a step, its values by column, and where in the file the row lies),
// for the three kinds of file trainers keep appending to or rewriting: TensorBoard event files
// (read record by record from an offset), CSV (Lightning's metrics.csv, read line by line) and
// JSON documents (Hugging Face's trainer_state.json, read whole each time it is rewritten).
// Only complete records and lines are read: a half-written tail is left for the next read.
import { cellNumber } from '../import/cells';
import { mapColumns } from '../import/columns';
import { parseCsv } from '../import/csv';
import { ImportError } from '../import/errors';
import { parseJsonDocument } from '../import/json-rows';
import type { Table } from '../import/table';
import { decodeEvent } from '../import/tensorboard-event';
import { readTfRecordsFrom } from '../import/tfrecord-stream';

export interface LogRow {
  step: number;
  /** Numeric values by column (tag) name; empty for a record that carries none (file_version, text). */
  cells: Record<string, number>;
  /** File offsets of the row's first byte and of the byte after it. */
  start: number;
  end: number;
}

export interface RowsRead {
  rows: LogRow[];
  /** Offset up to which the bytes were read (the start of an incomplete tail, if any). */
  next: number;
  /** Problems that skipped a record or a row; reading went on. */
  errors: string[];
  /** A problem after which nothing more of the file can be read. */
  fatal?: string;
  /** Text summaries by tag (Hugging Face's TrainingArguments: "args/text_summary"). */
  texts?: Map<string, string>;
}

/** Event columns named like the event's own fields get the suffix readTensorBoard gives them. */
export const WALL_TIME = 'wall_time';

/** Tags of an event file known to hold something other than scalars: their plugin metadata comes only with their first value. */
export interface EventState {
  nonScalar: string[];
}

export function readEventRows(bytes: Uint8Array, base: number, state: EventState): RowsRead {
  const read = readTfRecordsFrom(bytes, base);
  const nonScalar = new Set(state.nonScalar);
  const rows: LogRow[] = [];
  const errors = [...read.corrupt];
  let texts: Map<string, string> | undefined;
  let last: LogRow | undefined;
  for (const record of read.records) {
    let event;
    try {
      event = decodeEvent(record.data);
    } catch (err) {
      errors.push(`byte ${record.start}: ${(err as Error).message}; record skipped`);
      continue;
    }
    // Writers put each scalar in an event of its own (add_scalar): the events of one step are
    // gathered into one row as they are read, which keeps a big file's rows few.
    const same = last !== undefined && last.step === event.step && last.end === record.start;
    const cells: Record<string, number> = same ? last!.cells : {};
    let any = false;
    for (const v of event.values) {
      if (v.plugin !== undefined && v.plugin !== 'scalars') nonScalar.add(v.tag);
      if (v.text !== undefined) (texts ??= new Map()).set(v.tag, v.text);
      if (v.value === undefined || nonScalar.has(v.tag)) continue;
      cells[v.tag === 'step' || v.tag === WALL_TIME ? `${v.tag} (tag)` : v.tag] = v.value;
      any = true;
    }
    if (any && Number.isFinite(event.wallTime) && !(WALL_TIME in cells)) cells[WALL_TIME] = event.wallTime;
    if (same) last!.end = record.end;
    else rows.push((last = { step: event.step, cells, start: record.start, end: record.end }));
  }
  state.nonScalar = [...nonScalar];
  return { rows, next: read.next, errors, fatal: read.fatal, texts };
}

/** Offsets of each line's first byte, for the complete lines (ending in \n) of `bytes`; the last entry is where the incomplete tail starts. */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  let at = bytes.indexOf(10);
  while (at >= 0) {
    starts.push(at + 1);
    at = bytes.indexOf(10, at + 1);
  }
  return starts;
}

/** Rows of a table whose row `at` is a 1-based line (or entry) number, given where each starts. */
function rowsOfTable(table: Table, stepColumn: string, place: (at: number) => { start: number; end: number }, errors: string[], locate: (row: Table['rows'][number], start: number) => string): LogRow[] {
  const stepAt = table.columns.indexOf(stepColumn);
  const rows: LogRow[] = [];
  for (const row of table.rows) {
    const step = cellNumber(row.cells[stepAt]);
    const where = place(row.at);
    const cells: Record<string, number> = {};
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
      if (step !== undefined) errors.push(`${locate(row, where.start)}: the step must be a whole number ≥ 0; row skipped`);
      rows.push({ step: -1, cells, ...where });
      continue;
    }
    table.columns.forEach((name, i) => {
      if (i === stepAt) return;
      const v = cellNumber(row.cells[i]);
      if (typeof v === 'number') cells[name] = v;
    });
    rows.push({ step, cells, ...where });
  }
  return rows;
}

/** The step column of a header, or a message saying why there is none. */
function stepColumnOf(columns: string[]): string | { problem: string } {
  const { mapping } = mapColumns(columns, { lr: null, loss: null, epoch: null, time: null });
  return mapping.step ?? { problem: `no step column: looked for step, global_step, iteration, iter, _step; the header has ${columns.map((c) => `"${c}"`).join(', ')}` };
}

/**
 * CSV from `base`: `header` is the file's first line (read from the file when `base` is past it).
 * Only lines ending in a newline are read.
 */
export function readCsvRows(bytes: Uint8Array, base: number, header: string | undefined): RowsRead & { header?: string } {
  const starts = lineStarts(bytes);
  const complete = starts[starts.length - 1];
  if (complete === 0) return { rows: [], next: base, errors: [] };
  const text = new TextDecoder().decode(bytes.subarray(0, complete));
  // The header is line 1 of the text handed to the parser either way.
  const withHeader = header === undefined ? text : `${header}\n${text}`;
  const lineOffset = header === undefined ? 0 : 1;
  const firstLine = header ?? text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
  let table: Table;
  try {
    table = parseCsv(withHeader);
  } catch (err) {
    // A header alone is not an error: the rows are still to come.
    if (header === undefined && starts.length === 2) return { rows: [], next: base + complete, errors: [], header: firstLine };
    return { rows: [], next: base, errors: [], fatal: (err as ImportError).message, header: firstLine };
  }
  const stepColumn = stepColumnOf(table.columns);
  if (typeof stepColumn !== 'string') return { rows: [], next: base, errors: [], fatal: stepColumn.problem, header: firstLine };
  const errors: string[] = [];
  const place = (at: number) => {
    const line = at - 1 - lineOffset;
    return { start: base + starts[line], end: base + (starts[line + 1] ?? complete) };
  };
  // Lines are counted from where this read started: the byte offset is what locates a row in the file.
  return { rows: rowsOfTable(table, stepColumn, place, errors, (_row, start) => `byte ${start}`), next: base + complete, errors, header: firstLine };
}

/** A JSON document (trainer_state.json's log_history), read whole: its rows all lie at [0, size). */
export function readJsonRows(bytes: Uint8Array): RowsRead {
  let table: Table;
  try {
    table = parseJsonDocument(new TextDecoder().decode(bytes));
  } catch (err) {
    // Rewritten in place, it can be read mid-write: the next change reads it again.
    return { rows: [], next: 0, errors: [`${(err as ImportError).message}; read again when it changes`] };
  }
  const stepColumn = stepColumnOf(table.columns);
  if (typeof stepColumn !== 'string') return { rows: [], next: 0, errors: [], fatal: stepColumn.problem };
  const errors: string[] = [];
  return { rows: rowsOfTable(table, stepColumn, () => ({ start: 0, end: bytes.length }), errors, (row) => table.locate(row)), next: bytes.length, errors };
}
