// A TensorBoard event file (events.out.tfevents.*) read into a table: one row per event that
// carries scalars, with the event's step and wall time as columns and one column per tag.
// Non-scalar tags (histograms, images, text) are left out. Newer writers send a tag's metadata
// (its plugin) only with its first value, so the plugin is remembered per tag.
import { ImportError } from './errors';
import { type Cell, ColumnIndex, type Row, type Table } from './table';
import { decodeEvent } from './tensorboard-event';
import { readTfRecords } from './tfrecord';

/** The event's own fields, named like the columns a CSV export would have. */
export const TB_STEP = 'step';
export const TB_WALL_TIME = 'wall_time';

export function readTensorBoard(bytes: Uint8Array): Table {
  if (bytes.length === 0) throw new ImportError('the file is empty');
  const { records, truncatedAt } = readTfRecords(bytes);
  const columns = new ColumnIndex();
  columns.of(TB_STEP);
  columns.of(TB_WALL_TIME);
  const plugins = new Map<string, string | undefined>();
  const skipped = new Set<string>();
  const rows: Row[] = [];
  records.forEach((record, i) => {
    let event;
    try {
      event = decodeEvent(record);
    } catch (err) {
      throw new ImportError(`record ${i + 1}: ${(err as Error).message}`);
    }
    const cells: Cell[] = [];
    for (const v of event.values) {
      if (!plugins.has(v.tag) || v.plugin !== undefined) plugins.set(v.tag, v.plugin ?? plugins.get(v.tag));
      const plugin = plugins.get(v.tag);
      if (v.value === undefined || (plugin !== undefined && plugin !== 'scalars')) {
        skipped.add(v.tag);
        continue;
      }
      // The step and wall time columns belong to the event; a tag of the same name is renamed.
      const name = v.tag === TB_STEP || v.tag === TB_WALL_TIME ? `${v.tag} (tag)` : v.tag;
      cells[columns.of(name)] = v.value;
    }
    if (cells.length === 0) return;
    cells[0] = event.step;
    cells[1] = event.wallTime;
    rows.push({ at: i + 1, cells });
  });
  if (records.length === 0) throw new ImportError(truncatedAt !== undefined ? 'not a TensorBoard event file: no complete record (the first 12 bytes are not a TFRecord header)' : 'the file holds no records');
  const notes = [`read ${records.length.toLocaleString('en-US')} TensorBoard records`];
  if (skipped.size) notes.push(`left out non-scalar tags: ${[...skipped].slice(0, 5).join(', ')}${skipped.size > 5 ? ', …' : ''}`);
  if (truncatedAt !== undefined) notes.push(`the file ends in the middle of a record at byte ${truncatedAt.toLocaleString('en-US')} (still being written?); the records before it were read`);
  return { format: 'tensorboard', columns: columns.names, rows, locate: (row) => `record ${row.at} (step ${(row.cells[0] as number).toLocaleString('en-US')})`, notes };
}
