// Reads what a log file gained since the last read. A file that shrank, or whose first bytes
// changed (deleted and written again under the same name, Lightning rewriting metrics.csv with a new
// header), is read again from its start: its points are stored idempotently, so nothing doubles.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes hashed to recognise a file: enough to cover an event file's first record or a CSV header. */
const HEAD_BYTES = 64;

export interface Cursor {
  offset: number;
  size: number;
  /** "<n>:<sha1 of the first n bytes>". */
  head: string;
}

export interface NewBytes {
  bytes: Uint8Array;
  /** File offset of bytes[0]. */
  base: number;
  size: number;
  head: string;
  mtimeMs: number;
  /** The file was replaced or truncated: reading starts over. */
  restarted: boolean;
}

function hashOf(bytes: Uint8Array): string {
  return `${bytes.length}:${createHash('sha1').update(bytes).digest('hex')}`;
}

/** `whole`: read the file from its start (a JSON document rewritten in place). At most `maxBytes` per call. */
export async function readNewBytes(file: string, cursor: Cursor, whole: boolean, maxBytes = 8 * 2 ** 20): Promise<NewBytes> {
  const fh = await open(file, 'r');
  try {
    const stat = await fh.stat();
    const size = stat.size;
    const headLength = Math.min(size, HEAD_BYTES);
    const first = new Uint8Array(headLength);
    if (headLength) await fh.read(first, 0, headLength, 0);
    const known = Number(cursor.head.split(':')[0] || 0);
    const restarted = cursor.offset > 0 && (size < cursor.offset || (known > 0 && hashOf(first.subarray(0, known)) !== cursor.head));
    const base = whole || restarted ? 0 : cursor.offset;
    const length = whole ? size : Math.min(size - base, maxBytes);
    const bytes = new Uint8Array(Math.max(0, length));
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await fh.read(bytes, got, bytes.length - got, base + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: bytes.subarray(0, got), base, size, head: hashOf(first), mtimeMs: stat.mtimeMs, restarted };
  } finally {
    await fh.close();
  }
}
