// What every log format is read into before its columns are mapped: named columns and rows of
// cells, each row remembering where in the file it came from so an error can point there.

export type ImportFormat = 'csv' | 'jsonl' | 'json' | 'tensorboard';

/** A cell as the file holds it: text (CSV, sometimes JSON) or a number; null/undefined when empty. */
export type Cell = string | number | boolean | null | undefined;

export interface Row {
  /** 1-based position in the file in the table's unit (line, record, entry). */
  at: number;
  /** Indexed like Table.columns; shorter when trailing cells are absent. */
  cells: Cell[];
}

export interface Table {
  format: ImportFormat;
  columns: string[];
  rows: Row[];
  /** "line 12", "record 40 (step 3,900)", "log_history[3]": where a row is, for messages. */
  locate(row: Row): string;
  /** What the reader skipped or assumed, in words. */
  notes: string[];
  /** A run description carried by the file itself (lrscope's own { schedule, stepsPerEpoch, points } format). */
  meta?: { schedule?: unknown; stepsPerEpoch?: unknown };
}

/** Column names → indexes, growing as new names appear (JSON lines need not share keys). */
export class ColumnIndex {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}
