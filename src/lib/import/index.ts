// Importing existing training logs (CSV, JSON lines, JSON, TensorBoard event files) as lrscope
// points. Pure: bytes in, points out; the CLI and the preview page do the reading.
export { batches, MAX_BATCH, toApiPoint, type ApiPoint } from './api-points';
export { describeProblem, FIELDS, mapColumns, parseMapOption, type Field, type MapOverrides, type Mapping } from './columns';
export { detectFormat, FORMATS } from './detect-format';
export { ImportError } from './errors';
export { importLog, pointsFromTable, readTable, type ImportedLog, type ImportOptions } from './import-log';
export type { ImportFormat, Table } from './table';
export type { ImportedPoint } from './to-points';
