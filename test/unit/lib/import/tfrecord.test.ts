// TFRecord framing: records out, both CRCs verified, a partial last record tolerated.
import { describe, expect, it } from 'vitest';
import { ImportError } from '@/lib/import';
import { readTfRecords } from '@/lib/import/tfrecord';
import { RECORD_1_DATA, RECORD_2_DATA, REAL_TF_FILE } from './real-tf-file';

describe('readTfRecords', () => {
  it('reads the records of a file TensorFlow wrote', () => {
    const { records, truncatedAt } = readTfRecords(REAL_TF_FILE);
    expect(records).toEqual([RECORD_1_DATA, RECORD_2_DATA]);
    expect(truncatedAt).toBeUndefined();
  });

  it('reads an empty file as no records', () => {
    expect(readTfRecords(new Uint8Array())).toEqual({ records: [] });
  });

  it('stops at a record cut short (a writer still writing) and says where', () => {
    const first = 12 + RECORD_1_DATA.length + 4;
    for (const cut of [first + 5, first + 12, first + 12 + 10, REAL_TF_FILE.length - 1]) {
      const { records, truncatedAt } = readTfRecords(REAL_TF_FILE.subarray(0, cut));
      expect(records).toEqual([RECORD_1_DATA]);
      expect(truncatedAt).toBe(first);
    }
  });

  it('refuses a length whose CRC does not match, naming the record and byte', () => {
    const bad = REAL_TF_FILE.slice();
    bad[12 + RECORD_1_DATA.length + 4] = 0x33; // second record's length
    expect(() => readTfRecords(bad)).toThrow(ImportError);
    expect(() => readTfRecords(bad)).toThrow(/^record 2 \(byte 40\): the length's CRC does not match \(stored 0xec561924, computed 0x[0-9a-f]{8}\)/);
  });

  it('refuses data whose CRC does not match', () => {
    const bad = REAL_TF_FILE.slice();
    bad[REAL_TF_FILE.length - 10] ^= 0x01; // a byte of "scalars"
    expect(() => readTfRecords(bad)).toThrow(/^record 2 \(byte 40\): the data's CRC does not match \(stored 0x33645ba5/);
  });

  it('refuses text that is not TFRecord framing', () => {
    const text = new TextEncoder().encode('step,lr\n0,0.1\n1,0.1\n');
    expect(() => readTfRecords(text)).toThrow(/^record 1 \(byte 0\): the length's CRC does not match.*not a TensorBoard event file/);
  });
});
