// One line of CSV (RFC 4180): what the exports write, for spreadsheets, pandas and curl.

export type CsvValue = string | number | boolean | null | undefined;

// A text cell starting with one of these is run as a formula by Excel, LibreOffice and Google
// Sheets ("=HYPERLINK(...)" in a run name): such cells get a leading apostrophe, which
// spreadsheets hide and show as text. Numbers are never text cells, so "-0.5" stays a number.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A cell: numbers in full precision (the shortest text that reads back as the same double), text quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole line, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
