// CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF) and TSV, with a
// header row. Trainers' CSV loggers (Lightning's metrics.csv, Keras' CSVLogger, pandas) write
// this; Lightning leaves cells empty where a row did not log a metric.
import { ImportError } from './errors';
import type { Row, Table } from './table';

/** The delimiter the header line uses most: comma, tab or semicolon. */
function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  let best = ',';
  let most = 0;
  for (const d of [',', '\t', ';']) {
    const n = firstLine.split(d).length - 1;
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}

interface Record {
  line: number;
  fields: string[];
}

/**
 * Splits the text into records of fields; `line` is where each record starts. A line without
 * quotes is split natively (the common case, and ten times faster than walking characters);
 * quoted fields, which may hold delimiters and newlines, are walked.
 */
function* records(text: string, delimiter: string): Generator<Record> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    let eol = text.indexOf('\n', i);
    if (eol < 0) eol = n;
    const end = eol > i && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    const raw = text.slice(i, end);
    if (!raw.includes('"')) {
      if (raw.trim() !== '') yield { line, fields: raw.split(delimiter) };
      i = eol + 1;
      line++;
      continue;
    }
    const quoted = quotedRecord(text, i, line, delimiter);
    yield { line, fields: quoted.fields };
    i = quoted.next;
    line = quoted.line;
  }
}

/** One record with quoted fields, from `start`; returns where the next record begins. */
function quotedRecord(text: string, start: number, startLine: number, delimiter: string): { fields: string[]; next: number; line: number } {
  const n = text.length;
  const fields: string[] = [];
  let i = start;
  let line = startLine;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      // Runs to the next lone quote; "" is a quote; newlines belong to the value.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new ImportError(`line ${startLine}: a quoted value is not closed`);
        field += text.slice(j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      for (let k = text.indexOf('\n', i); k >= 0 && k < j; k = text.indexOf('\n', k + 1)) line++;
      i = j;
    }
    // Unquoted text, or what follows a closing quote (kept, as spreadsheets do).
    let k = i;
    while (k < n && text[k] !== delimiter && text[k] !== '\n' && text[k] !== '\r') k++;
    fields.push(field + text.slice(i, k));
    i = k;
    if (i >= n) return { fields, next: n, line: line + 1 };
    if (text[i] === delimiter) {
      i++;
      continue;
    }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    return { fields, next: i, line: line + 1 };
  }
}

export function parseCsv(text: string, delimiter = sniffDelimiter(text)): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const it = records(text, delimiter);
  const first = it.next();
  if (first.done) throw new ImportError('the file is empty: expected a header line such as "step,lr,loss"');
  const columns = first.value.fields.map((name, i) => name.trim() || `column ${i + 1}`);
  const seen = new Map<string, number>();
  columns.forEach((name, i) => {
    const prev = seen.get(name);
    if (prev !== undefined) throw new ImportError(`line ${first.value.line}: column "${name}" appears twice (columns ${prev + 1} and ${i + 1})`);
    seen.set(name, i);
  });
  const rows: Row[] = [];
  for (const rec of it) {
    if (rec.fields.length > columns.length) {
      throw new ImportError(`line ${rec.line}: ${rec.fields.length} values, but the header has ${columns.length} columns (${columns.join(', ')})`);
    }
    rows.push({ at: rec.line, cells: rec.fields });
  }
  return { format: 'csv', columns, rows, locate: (row) => `line ${row.at}`, notes: [] };
}
