// TensorBoard event files: a file TensorFlow wrote, files written to the format's spec in Python
// (test/fixtures/tensorboard/generate.py: SummaryWriter-style simple_value and TF 2-style scalar
// tensors), and damaged files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLog, readTable } from '@/lib/import';
import { decodeEvent } from '@/lib/import/tensorboard-event';
import { scalarOfTensor } from '@/lib/import/tensor-scalar';
import { readTensorBoard } from '@/lib/import/tensorboard';
import { hex, RECORD_2_DATA, REAL_TF_FILE } from './real-tf-file';

const DIR = path.resolve(import.meta.dirname, '../../../fixtures/tensorboard');
const COQUI = 'events.out.tfevents.1764000000.coqui-story.0';
const TENSORS = 'events.out.tfevents.1764000000.tensors.0';
const expected: Record<string, { step: number; wall_time: number; tag: string; value: number }[]> = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(DIR, name)));

/** The scalars a table holds, as (step, wall_time, tag, value) in file order. */
function scalars(bytes: Uint8Array) {
  const t = readTensorBoard(bytes);
  const out: { step: number; wall_time: number; tag: string; value: number }[] = [];
  for (const row of t.rows) {
    t.columns.forEach((tag, i) => {
      if (i < 2 || row.cells[i] === undefined) return;
      out.push({ step: row.cells[0] as number, wall_time: row.cells[1] as number, tag, value: row.cells[i] as number });
    });
  }
  return out;
}

describe('an event file written by TensorFlow', () => {
  it('gives accuracy 0.99 at step 77 from its scalar tensor', () => {
    const event = decodeEvent(RECORD_2_DATA);
    expect(event.step).toBe(77);
    expect(event.wallTime).toBeCloseTo(1_599_759_606.859727, 5);
    expect(event.values).toEqual([{ tag: 'accuracy', value: Math.fround(0.99), plugin: 'scalars' }]);
    expect(scalars(REAL_TF_FILE)).toEqual([{ step: 77, wall_time: event.wallTime, tag: 'accuracy', value: Math.fround(0.99) }]);
  });

  it('reads the file_version event, which carries no scalars', () => {
    const t = readTensorBoard(REAL_TF_FILE);
    expect(t.columns).toEqual(['step', 'wall_time', 'accuracy']);
    expect(t.rows.map((r) => r.at)).toEqual([2]);
    expect(t.locate(t.rows[0])).toBe('record 2 (step 77)');
  });
});

describe('files from the spec-based writer', () => {
  it('reads every simple_value SummaryWriter wrote, and leaves the histogram out', () => {
    expect(scalars(fixture(COQUI))).toEqual(expected[COQUI]);
    const t = readTensorBoard(fixture(COQUI));
    expect(t.columns).toEqual(['step', 'wall_time', 'TrainIterStats/current_lr', 'TrainIterStats/loss', 'epoch']);
    expect(t.notes).toContain('left out non-scalar tags: weights/layer1');
  });

  it('reads scalar tensors from tensor_content, double_val and float_val, and leaves text and non-scalar tensors out', () => {
    expect(scalars(fixture(TENSORS))).toEqual(expected[TENSORS]);
    const t = readTensorBoard(fixture(TENSORS));
    expect(t.columns).toEqual(['step', 'wall_time', 'learning_rate', 'loss', 'grad_norm']);
    expect(t.notes).toContain('left out non-scalar tags: notes, weights');
  });

  it('imports the Coqui story as points, merging the three add_scalar events of each step', () => {
    const log = importLog({ fileName: `runs/xtts/${COQUI}`, bytes: fixture(COQUI) });
    expect(log.format).toBe('tensorboard');
    expect(log.mapping).toEqual({ step: 'step', lr: 'TrainIterStats/current_lr', loss: 'TrainIterStats/loss', epoch: 'epoch', time: 'wall_time' });
    expect(log.points).toHaveLength(140);
    expect(log.points[20]).toEqual({ step: 2000, lr: Math.fround(5e-4), loss: Math.fround(3 / Math.sqrt(11)), epoch: 4, time: 1_764_000_400 });
    expect(log.notes).toContain('420 rows with values → 140 points (rows of the same step merged)');
  });

  it('keeps the records before a partial last record, and says so', () => {
    const bytes = fixture(TENSORS);
    const t = readTable('x.tfevents', bytes.subarray(0, bytes.length - 7));
    expect(t.rows).toHaveLength(7);
    expect(t.notes.some((n) => /ends in the middle of a record at byte [\d,]+ \(still being written\?\)/.test(n))).toBe(true);
  });

  it('names the record whose CRC fails', () => {
    const bytes = fixture(COQUI).slice();
    bytes[500] ^= 0xff;
    expect(() => readTensorBoard(bytes)).toThrow(/^record \d+ \(byte \d+\): the (data|length)'s CRC does not match/);
  });

  it('refuses an empty file and a file with no records', () => {
    expect(() => readTensorBoard(new Uint8Array())).toThrow('the file is empty');
    expect(() => readTensorBoard(new Uint8Array(5))).toThrow(/not a TensorBoard event file/);
  });
});

describe('scalar tensors of every numeric type', () => {
  // TensorProto bytes: dtype (field 1), empty shape (field 2), then the value field.
  const tensor = (dtype: number, value: string) => hex(`08 ${dtype.toString(16).padStart(2, '0')} 12 00 ${value}`);

  it('reads half, bfloat16, int32 and int64 values', () => {
    expect(scalarOfTensor(tensor(19, '68 80 78'))).toBe(1); // half_val 0x3c00 as a varint
    expect(scalarOfTensor(tensor(19, '22 02 00 38'))).toBe(0.5); // tensor_content, half 0x3800
    expect(scalarOfTensor(tensor(14, '22 02 80 3f'))).toBe(1); // bfloat16 0x3f80
    expect(scalarOfTensor(tensor(3, '38 2a'))).toBe(42); // int_val
    expect(scalarOfTensor(tensor(9, '50 ff ff ff ff ff ff ff ff ff 01'))).toBe(-1); // int64_val
    expect(scalarOfTensor(tensor(2, '31 00 00 00 00 00 00 e0 3f'))).toBe(0.5); // double_val unpacked
  });

  it('gives nothing for several elements, an unknown rank, strings or no value', () => {
    expect(scalarOfTensor(hex('08 01 12 04 12 02 08 03 22 0c 00 00 80 3f 00 00 80 3f 00 00 80 3f'))).toBeUndefined();
    expect(scalarOfTensor(hex('08 01 12 02 18 01 2d 00 00 80 3f'))).toBeUndefined();
    expect(scalarOfTensor(tensor(7, '42 02 68 69'))).toBeUndefined();
    expect(scalarOfTensor(tensor(1, ''))).toBeUndefined();
  });

  it('treats a shape of all ones as a scalar', () => {
    expect(scalarOfTensor(hex('08 01 12 08 12 02 08 01 12 02 08 01 2d 00 00 80 3f'))).toBe(1);
  });
});
