// JSON lines (one object per line: Hugging Face log_history dumps, custom loggers) and JSON
// documents holding a list of such objects: a bare list, Hugging Face's trainer_state.json
// ({ "log_history": [...] }), or lrscope's own run file ({ "schedule", "stepsPerEpoch", "points" }).
// Nested objects are flattened with "/" ({"train": {"lr": 1}} → "train/lr"), the way trackers
// name metrics; lists are left out (they are per-group values, not columns).
import { ImportError } from './errors';
import { type Cell, ColumnIndex, type Row, type Table } from './table';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(obj: Record<string, unknown>, columns: ColumnIndex, cells: Cell[], prefix: string, skipped: Set<string>): void {
  for (const [key, value] of Object.entries(obj)) {
    const name = prefix ? `${prefix}/${key}` : key;
    if (isObject(value)) flatten(value, columns, cells, name, skipped);
    else if (Array.isArray(value)) skipped.add(name);
    else cells[columns.of(name)] = value as Cell;
  }
}

function build(format: 'jsonl' | 'json', objects: Iterable<{ at: number; value: unknown }>, describe: (at: number) => string): Table {
  const columns = new ColumnIndex();
  const rows: Row[] = [];
  const skipped = new Set<string>();
  for (const { at, value } of objects) {
    if (!isObject(value)) throw new ImportError(`${describe(at)}: expected an object like {"step": 0, "lr": 0.1}, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
    const cells: Cell[] = [];
    flatten(value, columns, cells, '', skipped);
    rows.push({ at, cells });
  }
  const notes = skipped.size ? [`left out list values: ${[...skipped].slice(0, 5).join(', ')}${skipped.size > 5 ? ', …' : ''}`] : [];
  return { format, columns: columns.names, rows, locate: (row) => describe(row.at), notes };
}

export function parseJsonLines(text: string): Table {
  const lines = text.split('\n');
  function* objects() {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new ImportError(`line ${i + 1}: not valid JSON (${(err as Error).message})`);
      }
      yield { at: i + 1, value };
    }
  }
  const table = build('jsonl', objects(), (at) => `line ${at}`);
  if (table.rows.length === 0) throw new ImportError('the file is empty: expected one JSON object per line, such as {"step": 0, "lr": 0.1}');
  return table;
}

/** Which list in a JSON document holds the rows, and what it is called in messages. */
function rowsOf(doc: unknown): { list: unknown[]; name: string; meta?: Table['meta'] } {
  if (Array.isArray(doc)) return { list: doc, name: '' };
  if (isObject(doc)) {
    if (Array.isArray(doc.points)) return { list: doc.points, name: 'points', meta: { schedule: doc.schedule, stepsPerEpoch: doc.stepsPerEpoch } };
    if (Array.isArray(doc.log_history)) return { list: doc.log_history, name: 'log_history' };
  }
  throw new ImportError('expected a list of objects, an object with "points" (lrscope\'s run file) or with "log_history" (Hugging Face\'s trainer_state.json)');
}

export function parseJsonDocument(text: string): Table {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImportError(`not valid JSON (${(err as Error).message})`);
  }
  const { list, name, meta } = rowsOf(doc);
  const table = build('json', list.map((value, i) => ({ at: i + 1, value })), (at) => `${name}[${at - 1}]`);
  if (table.rows.length === 0) throw new ImportError(`${name || 'the list'} is empty: no points to import`);
  if (meta && (meta.schedule !== undefined || meta.stepsPerEpoch !== undefined)) table.meta = meta;
  return table;
}
