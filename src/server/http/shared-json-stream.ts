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
 * Arrays sent as one JSON array. Each part's JSON is made once, however many streams and events
 * include it: pages a few batches apart are sent different runs of the same parts.
 */
export class JsonArrayParts<T> {
  constructor(readonly parts: readonly T[][]) {}
  /** What it is on any stream that does not share (and in tests): the one array. */
  toJSON(): T[] {
    return this.parts.flat();
  }
}

const encoded = new WeakMap<object, Buffer>();
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

function bytesOf(value: object): Buffer {
  let bytes = encoded.get(value);
  if (!bytes) encoded.set(value, (bytes = Buffer.from(JSON.stringify(value))));
  return bytes;
}

/** The value's JSON as pieces: one, or for parts "[" + each part's items + "]". */
function piecesOf(value: object): Buffer[] {
  if (!(value instanceof JsonArrayParts)) return [bytesOf(value)];
  const pieces: Buffer[] = [OPEN];
  for (const part of value.parts as object[][]) {
    if (part.length === 0) continue;
    if (pieces.length > 1) pieces.push(COMMA);
    const bytes = bytesOf(part);
    pieces.push(bytes.subarray(1, bytes.length - 1));
  }
  pieces.push(CLOSE);
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
