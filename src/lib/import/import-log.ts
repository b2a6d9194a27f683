// A log file (bytes and a name) → points for lrscope: detect the format, read it into a table, map
// the columns, convert and check the rows. Pure: the CLI reads the file, the page reads the
// upload, and both call this.
import { describeProblem, type Field, type MapOverrides, type Mapping, mapColumns } from './columns';
import { parseCsv } from './csv';
import { detectFormat } from './detect-format';
import { ImportError } from './errors';
import { parseJsonDocument, parseJsonLines } from './json-rows';
import type { ImportFormat, Table } from './table';
import { readTensorBoard } from './tensorboard';
import { type ImportedPoint, toPoints } from './to-points';

export interface ImportedLog {
  format: ImportFormat;
  columns: string[];
  mapping: Mapping;
  points: ImportedPoint[];
  /** What was read, chosen and left out, in words. */
  notes: string[];
  meta?: Table['meta'];
}

export function readTable(fileName: string, bytes: Uint8Array, format: ImportFormat = detectFormat(fileName, bytes)): Table {
  if (format === 'tensorboard') return readTensorBoard(bytes);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (format === 'csv') return parseCsv(text);
  if (format === 'jsonl') return parseJsonLines(text);
  return parseJsonDocument(text);
}

/** Maps and converts a table already read; `how` tells the user how to choose a column. */
export function pointsFromTable(table: Table, map: MapOverrides = {}, how: (field: Field) => string = (f) => `--map ${f}=COLUMN`): ImportedLog {
  const { mapping, alternatives, problems } = mapColumns(table.columns, map);
  if (problems.length) throw new ImportError(describeProblem(problems[0], table.columns, how));
  const { points, rowsUsed } = toPoints(table, mapping);
  if (points.length === 0) throw new ImportError('no row has a step and a value: nothing to import');
  const lr = mapping.lr;
  if (lr !== undefined && !points.some((p) => p.lr !== undefined)) throw new ImportError(`column "${lr}" (lr) is empty in every row: nothing to check`);
  const chosen = (Object.keys(mapping) as Field[]).map((f) => `${f} ← "${mapping[f]}"`).join(', ');
  const notes = [...table.notes, `columns: ${chosen}`];
  for (const [field, others] of Object.entries(alternatives)) notes.push(`${field}: also matched ${others.slice(0, 3).map((c) => `"${c}"`).join(', ')}${others.length > 3 ? ', …' : ''}`);
  if (rowsUsed > points.length) notes.push(`${rowsUsed.toLocaleString('en-US')} rows with values → ${points.length.toLocaleString('en-US')} points (rows of the same step merged)`);
  return { format: table.format, columns: table.columns, mapping, points, notes, meta: table.meta };
}

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  format?: ImportFormat;
  map?: MapOverrides;
}

export function importLog({ fileName, bytes, format, map }: ImportOptions): ImportedLog {
  return pointsFromTable(readTable(fileName, bytes, format), map);
}
