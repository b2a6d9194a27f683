// TFRecord framing read incrementally, from a byte offset of a file that may still be growing, the
// way TensorBoard's data server reads a live event file:
// - a record whose bytes are not all there yet (the writer is mid-write) ends the read; the next
//   read starts again at that record, so it is waited for, never an error;
// - a length whose CRC does not match aborts the file: nothing after it can be framed;
// - data whose CRC does not match is reported and the record skipped: its length was sound, so
//   the records after it can still be read.
import { maskedCrc32c } from './crc32c';

export interface StreamRecord {
  data: Uint8Array;
  /** File offsets of the record's first byte and of the byte after it. */
  start: number;
  end: number;
}

export interface StreamRead {
  records: StreamRecord[];
  /** File offset where the next read starts: after the last whole record (or skipped one). */
  next: number;
  /** A record started but not all of its bytes are there yet. */
  waiting: boolean;
  /** The length CRC failed at `next`: the file cannot be read further. */
  fatal?: string;
  /** Records skipped because their data CRC failed. */
  corrupt: string[];
}

const HEADER = 12;
const FOOTER = 4;

/** Reads the records in `bytes`, which hold the file from offset `base` on. */
export function readTfRecordsFrom(bytes: Uint8Array, base = 0): StreamRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: StreamRecord[] = [];
  const corrupt: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER) return { records, next: base + at, waiting: true, corrupt };
    const lo = view.getUint32(at, true);
    const hi = view.getUint32(at + 4, true);
    if (maskedCrc32c(bytes, at, at + 8) !== view.getUint32(at + 8, true)) {
      return { records, next: base + at, waiting: false, corrupt, fatal: `byte ${base + at}: the record length's CRC does not match; the rest of the file cannot be read` };
    }
    const length = hi * 2 ** 32 + lo;
    const start = at + HEADER;
    // A length that checks out but runs past the end is a record still being written.
    if (hi >= 2 ** 21 || start + length + FOOTER > bytes.length) return { records, next: base + at, waiting: true, corrupt };
    const end = start + length;
    if (maskedCrc32c(bytes, start, end) !== view.getUint32(end, true)) corrupt.push(`byte ${base + at}: the record data's CRC does not match; record skipped`);
    else records.push({ data: bytes.subarray(start, end), start: base + at, end: base + end + FOOTER });
    at = end + FOOTER;
  }
  return { records, next: base + at, waiting: false, corrupt };
}
