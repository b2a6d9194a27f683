// TFRecord framing (TensorFlow core/lib/io/record_writer.cc): each record is
//   uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of data.
// Both CRCs are verified: a file that fails them is corrupt or not an event file, and importing
// numbers from it would be guessing.
import { maskedCrc32c } from './crc32c';
import { ImportError } from './errors';

export interface TfRecords {
  /** Each record's data, as views into the input (no copies). */
  records: Uint8Array[];
  /** Byte offset of an incomplete last record: the writer was still writing, or was killed mid-write. */
  truncatedAt?: number;
}

const HEADER = 12;
const FOOTER = 4;

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export function readTfRecords(bytes: Uint8Array): TfRecords {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const where = `record ${records.length + 1} (byte ${offset})`;
    if (bytes.length - offset < HEADER) return { records, truncatedAt: offset };
    const lo = view.getUint32(offset, true);
    const hi = view.getUint32(offset + 4, true);
    const lengthCrc = view.getUint32(offset + 8, true);
    const computed = maskedCrc32c(bytes, offset, offset + 8);
    if (computed !== lengthCrc) {
      throw new ImportError(`${where}: the length's CRC does not match (stored ${hex(lengthCrc)}, computed ${hex(computed)}): the file is corrupt or not a TensorBoard event file`);
    }
    // A record longer than what is left can only be a partial write; beyond 2^53 it is nonsense anyway.
    const length = hi * 2 ** 32 + lo;
    const start = offset + HEADER;
    if (hi >= 2 ** 21 || start + length + FOOTER > bytes.length) return { records, truncatedAt: offset };
    const end = start + length;
    const dataCrc = view.getUint32(end, true);
    const actual = maskedCrc32c(bytes, start, end);
    if (actual !== dataCrc) throw new ImportError(`${where}: the data's CRC does not match (stored ${hex(dataCrc)}, computed ${hex(actual)}): the file is corrupt`);
    records.push(bytes.subarray(start, end));
    offset = end + FOOTER;
  }
  return { records };
}
