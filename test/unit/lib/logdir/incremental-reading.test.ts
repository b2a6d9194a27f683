// Reading a growing event or CSV file piece by piece — cut anywhere, even inside a record or a
// line — gives exactly the points reading it whole gives: each step once, with all its values.
// The files are real tensorboardX output (test/fixtures/logdir).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskedCrc32c } from '@/lib/import/crc32c';
import { readTfRecordsFrom } from '@/lib/import/tfrecord-stream';
import { type EventState, readCsvRows, readEventRows, type RowsRead } from '@/lib/logdir/log-rows';
import { holdsEveryField, type LogPoint, mapLogColumns, toLogPoints } from '@/lib/logdir/point-mapping';
import { groupSteps } from '@/lib/logdir/step-groups';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/logdir');
const COQUI_DIR = path.join(FIXTURES, 'coqui/glow_tts_ljspeech-December-07-2026_05+45PM-0000000');
const COQUI = new Uint8Array(readFileSync(path.join(COQUI_DIR, readdirSync(COQUI_DIR).find((f) => f.includes('tfevents'))!)));
const CSV = new Uint8Array(readFileSync(path.join(FIXTURES, 'lightning/lightning_logs/version_0/metrics.csv')));

type Reader = (bytes: Uint8Array, base: number, state: { events: EventState; header?: string }) => RowsRead;
const events: Reader = (bytes, base, state) => readEventRows(bytes, base, state.events);
const csv: Reader = (bytes, base, state) => {
  const read = readCsvRows(bytes, base, base > 0 ? state.header : undefined);
  if (read.header !== undefined) state.header = read.header;
  return read;
};

/**
 * What the server does with a file that grows to each of `sizes` in turn: read from the committed
 * offset, hold the last step back unless it holds every point field, commit the offset where the
 * held step starts; once the file is complete and quiet, give the last step up. Points are stored
 * as the store does: a step is written once, and metrics that come later are added to it.
 */
function follow(file: Uint8Array, sizes: number[], read: Reader): LogPoint[] {
  const state = { events: { nonScalar: [] as string[] }, header: undefined as string | undefined };
  const columns = new Set<string>();
  const stored = new Map<number, LogPoint>();
  let offset = 0;
  let settled = false;
  const step = (size: number, final: boolean) => {
    const r = read(file.subarray(offset, size), offset, state);
    for (const row of r.rows) for (const k in row.cells) columns.add(k);
    const m = mapLogColumns([...columns]);
    const g = groupSteps(r.rows, offset, final, (cells) => holdsEveryField(m, cells), settled);
    settled ||= g.settled;
    for (const p of toLogPoints(g.groups, m).points) {
      const old = stored.get(p.step);
      if (!old) stored.set(p.step, p);
      else if (p.metrics) old.metrics = { ...p.metrics, ...old.metrics };
    }
    offset = g.held ? g.next : r.next;
  };
  for (const size of sizes) step(size, false);
  step(file.length, true);
  return [...stored.values()].sort((a, b) => a.step - b.step);
}

const whole = (file: Uint8Array, read: Reader) => follow(file, [], read);

describe('a file read as it grows', () => {
  it('gives the Coqui run its 121 steps, each with its LR and loss, read whole', () => {
    const points = whole(COQUI, events);
    expect(points).toHaveLength(121);
    expect(points.every((p) => p.lr === Math.fround(5e-4) && p.loss !== undefined)).toBe(true);
    expect(points[8]).toMatchObject({ step: 200, metrics: { 'glow_tts_TrainEpochStats/epoch_time': 61.5, 'glow_tts_EvalStats/loss': expect.any(Number) } });
  });

  it('gives the same points however an event file is cut while it grows (inside records too)', () => {
    const expected = whole(COQUI, events);
    // Found by the property below: cut after step 0's LR record, its loss was lost.
    expect(follow(COQUI, [110], events)).toEqual(expected);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: COQUI.length - 1 }), { maxLength: 12 }), (cuts) => {
        expect(follow(COQUI, [...cuts].sort((a, b) => a - b), events)).toEqual(expected);
      }),
      // 82 cuts after step 0's LR record, before its loss: once released early, a step lost its loss.
      { numRuns: 60, examples: [[[82]], [[110]]] },
    );
  });

  it('gives the same points however a Lightning metrics.csv is cut, the LR and loss rows of a step merged', () => {
    const expected = whole(CSV, csv);
    // 29 epochs × 10 logged steps, and the epoch-end row of each epoch (train_loss_epoch) at its last step.
    expect(expected).toHaveLength(319);
    expect(expected[1]).toMatchObject({ step: 10, lr: expect.any(Number), loss: expect.any(Number), epoch: 0 });
    expect(expected[10]).toEqual({ step: 99, epoch: 0, metrics: { train_loss_epoch: 1 } });
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: CSV.length - 1 }), { maxLength: 12 }), (cuts) => {
        expect(follow(CSV, [...cuts].sort((a, b) => a - b), csv)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('a CSV log', () => {
  const enc = (t: string) => new TextEncoder().encode(t);

  it('waits for a header with no rows yet, and for a line not ended', () => {
    expect(readCsvRows(enc('step,lr\n'), 0, undefined)).toEqual({ rows: [], next: 8, errors: [], header: 'step,lr' });
    expect(readCsvRows(enc('step,l'), 0, undefined)).toEqual({ rows: [], next: 0, errors: [] });
    const r = readCsvRows(enc('1,0.5\n2,0.'), 8, 'step,lr');
    expect(r.rows).toEqual([{ step: 1, cells: { lr: 0.5 }, start: 8, end: 14 }]);
    expect(r.next).toBe(14);
  });

  it('cannot be read without a step column, and says which columns it has', () => {
    expect(readCsvRows(enc('epoch,lr\n0,0.1\n'), 0, undefined).fatal).toBe('no step column: looked for step, global_step, iteration, iter, _step; the header has "epoch", "lr"');
  });

  it('counts a row whose step is not a whole number, and reads on', () => {
    const r = readCsvRows(enc('step,lr\nx,0.1\n3,0.2\n'), 0, undefined);
    expect(r.errors).toEqual(['byte 8: the step must be a whole number ≥ 0; row skipped']);
    expect(r.rows.map((x) => x.step)).toEqual([-1, 3]);
  });
});

describe('TFRecord framing read from an offset', () => {
  const records = readTfRecordsFrom(COQUI).records;

  it('waits at a record cut anywhere, and reads on from there', () => {
    for (const cut of [1, 11, 12, 13, records[3].end - 1]) {
      const r = readTfRecordsFrom(COQUI.subarray(0, cut));
      expect(r.waiting).toBe(true);
      expect(r.fatal).toBeUndefined();
      expect(r.next).toBe(records.find((x) => x.end > cut)!.start);
    }
    const rest = readTfRecordsFrom(COQUI.subarray(records[3].start), records[3].start);
    expect(rest.records.map((x) => x.start)).toEqual(records.slice(3).map((x) => x.start));
    expect(rest).toMatchObject({ next: COQUI.length, waiting: false, corrupt: [] });
  });

  it('skips a record whose data CRC fails and reads the records after it', () => {
    const bytes = COQUI.slice();
    bytes[records[4].start + 13] ^= 1;
    const r = readTfRecordsFrom(bytes);
    expect(r.corrupt).toEqual([`byte ${records[4].start}: the record data's CRC does not match; record skipped`]);
    expect(r.records).toHaveLength(records.length - 1);
    expect(r.next).toBe(bytes.length);
  });

  it('stops the file at a length whose CRC fails: nothing after it can be framed', () => {
    const bytes = COQUI.slice();
    bytes[records[4].start + 2] ^= 1;
    const r = readTfRecordsFrom(bytes);
    expect(r.records).toHaveLength(4);
    expect(r.next).toBe(records[4].start);
    expect(r.fatal).toBe(`byte ${records[4].start}: the record length's CRC does not match; the rest of the file cannot be read`);
    expect(maskedCrc32c(bytes, records[4].start, records[4].start + 8)).not.toBe(new DataView(bytes.buffer).getUint32(records[4].start + 8, true));
  });
});

describe('rows into steps', () => {
  const row = (step: number, cells: Record<string, number>, start: number) => ({ step, cells, start, end: start + 10 });

  it('holds the last step back, committing where it starts, and gives it up when final', () => {
    const rows = () => [row(0, {}, 0), row(1, { lr: 1 }, 10), row(1, { loss: 2 }, 20), row(2, { lr: 1 }, 30)];
    expect(groupSteps(rows(), 0, false)).toEqual({ groups: [{ step: 1, cells: { lr: 1, loss: 2 } }], ends: [30], next: 30, held: true, settled: true });
    expect(groupSteps(rows(), 0, true)).toMatchObject({ ends: [30, 40], next: 40, held: false });
  });

  it('gives up a last step at once when it holds every point field the log has, once the file has shown where a step ends', () => {
    const m = mapLogColumns(['lr', 'loss', 'grad_norm']);
    const complete = (cells: Record<string, number>) => holdsEveryField(m, cells);
    expect(groupSteps([row(1, { lr: 1 }, 0), row(1, { loss: 2 }, 10)], 0, false, complete, true)).toMatchObject({ next: 20, held: false, groups: [{ step: 1 }] });
    expect(groupSteps([row(1, { lr: 1 }, 0), row(1, { grad_norm: 2 }, 10)], 0, false, complete, true)).toMatchObject({ next: 0, held: true, groups: [] });
    // The first step of a file: the columns seen so far may be only its first records.
    expect(groupSteps([row(1, { lr: 1 }, 0), row(1, { loss: 2 }, 10)], 0, false, complete)).toMatchObject({ next: 0, held: true, groups: [], settled: false });
    expect(groupSteps([row(0, { lr: 1, loss: 2 }, 0), row(1, { lr: 1 }, 10), row(1, { loss: 2 }, 20)], 0, false, complete)).toMatchObject({ next: 30, held: false, settled: true });
    expect(holdsEveryField(mapLogColumns(['grad_norm']), { grad_norm: 1 })).toBe(false);
    // Cut after step 0's LR record, before any loss was logged: the loss may still come.
    expect(groupSteps([row(0, { lr: 1 }, 0)], 0, false, (cells) => holdsEveryField(mapLogColumns(['lr']), cells))).toMatchObject({ held: true, groups: [] });
  });

  it('reads past records that carry nothing, and starts a file with none at all where it ended', () => {
    expect(groupSteps([row(0, {}, 0), row(0, {}, 10)], 0, false)).toEqual({ groups: [], ends: [], next: 20, held: false, settled: false });
    expect(groupSteps([], 55, false)).toEqual({ groups: [], ends: [], next: 55, held: false, settled: false });
  });
});
