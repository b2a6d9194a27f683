// Serialises each live event's bulk once, however many feeds send it. tRPC's SSE producer
// JSON-encodes and UTF-8-encodes every event on every stream (on Node 20 there is no
// JSON.rawJSON to hand it text already made), so 500 pages on a run turned each 100-point batch
// into 500 copies of the same text and bytes: most of the fan-out was that and its garbage
// collection. Instead a feed puts a placeholder where the shared value goes (a random token
// registered for this response only), and the response's writes replace it with the value's
// bytes, encoded once for all streams. Also corks the response for the rest of the tick: tRPC
// writes an event in several pieces, which then leave as one socket write.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

/** Stands in for `value` (serialised once, shared by every stream) in the event being built. */
export type ShareJson = <T extends object>(value: T) => T;

/** For responses that are not live feeds: the value itself. */
export const unshared: ShareJson = (value) => value;

const QUOTE = 0x22;
/** How a placeholder starts once JSON-encoded: a string beginning with U+0000, which JSON escapes. */
const MARK = Buffer.from('"\\u0000shared:');

/**
 * Columns (an object of equal-length arrays) sent as one object whose every column is the parts'
 * columns end to end. Each part's column is encoded once, however many streams and events
 * include it: pages a few batches apart are sent different runs of the same parts.
 */
export class JsonColumnParts<T extends Record<string, unknown[]>> {
  constructor(
    readonly keys: readonly (keyof T & string)[],
    readonly parts: readonly T[],
  ) {}
  /** What it is on any stream that does not share (and in tests): the one object of columns. */
  toJSON(): T {
    const out: Record<string, unknown[]> = {};
    for (const k of this.keys) out[k] = this.parts.flatMap((p) => p[k]);
    return out as T;
  }
}

const encoded = new WeakMap<object, Buffer>();
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const END = Buffer.from('}');
const keyOpeners = new Map<string, Buffer>();

function bytesOf(value: object): Buffer {
  let bytes = encoded.get(value);
  if (!bytes) encoded.set(value, (bytes = Buffer.from(JSON.stringify(value))));
  return bytes;
}

/** `{"key":[` for the first column, `],"key":[` after. */
function opener(key: string, first: boolean): Buffer {
  const id = `${first ? '{' : ']'}${key}`;
  let bytes = keyOpeners.get(id);
  if (!bytes) keyOpeners.set(id, (bytes = Buffer.from(`${first ? '{' : '],'}${JSON.stringify(key)}:[`)));
  return bytes;
}

/** The value's JSON as pieces: one, or for column parts each column's parts' items end to end. */
function piecesOf(value: object): Buffer[] {
  if (!(value instanceof JsonColumnParts)) return [bytesOf(value)];
  const parts = value.parts as Record<string, unknown[]>[];
  if (value.keys.length === 0) return [Buffer.from('{}')];
  const pieces: Buffer[] = [];
  for (const [i, key] of value.keys.entries()) {
    pieces.push(opener(key, i === 0));
    let any = false;
    for (const part of parts) {
      const column = part[key];
      if (column.length === 0) continue;
      if (any) pieces.push(COMMA);
      any = true;
      const bytes = bytesOf(column);
      pieces.push(bytes.subarray(1, bytes.length - 1));
    }
  }
  pieces.push(CLOSE, END);
  return pieces;
}

/** Patches the response's write and returns the ShareJson for events written to it. */
export function sharedJsonStream(res: http.ServerResponse): ShareJson {
  const pending = new Map<string, Buffer[]>();
  const prefix = `\u0000shared:${randomBytes(8).toString('hex')}.`;
  let n = 0;
  const write = res.write;
  let corked = false;
  res.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    const out = write as (...a: unknown[]) => boolean;
    if (pending.size === 0 || !(chunk instanceof Uint8Array)) return out.call(this, chunk, ...rest);
    // Pieces, not one copy: corked, they still leave as one socket write.
    const pieces = splice(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), pending);
    let ok = true;
    for (const [i, piece] of pieces.entries()) ok = i === pieces.length - 1 ? out.call(this, piece, ...rest) : out.call(this, piece);
    return ok;
  } as typeof write;
  return ((value: object) => {
    const token = `${prefix}${n++}`;
    pending.set(token, piecesOf(value));
    return token;
  }) as ShareJson;
}

/** The chunk in pieces, each registered placeholder (quotes included) replaced by its value's pieces (and forgotten). */
export function splice(chunk: Buffer, pending: Map<string, Buffer[]>): Buffer[] {
  const pieces: Buffer[] = [];
  let copied = 0;
  let from = 0;
  for (let at = chunk.indexOf(MARK, from); at >= 0; at = chunk.indexOf(MARK, from)) {
    const end = chunk.indexOf(QUOTE, at + MARK.length);
    if (end < 0) break;
    from = end + 1;
    // The JSON text of a token is "\u0000shared:…": read it back as the token string.
    const token = '\u0000' + chunk.toString('latin1', at + '"\\u0000'.length, end);
    const value = pending.get(token);
    // Not one of this response's placeholders (a run named like one): left as it is.
    if (!value) continue;
    pending.delete(token);
    pieces.push(chunk.subarray(copied, at), ...value);
    copied = from;
  }
  pieces.push(chunk.subarray(copied));
  return pieces;
}
