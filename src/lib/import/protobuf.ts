// A minimal protocol-buffers wire-format reader: enough to walk TensorBoard's Event, Summary and
// TensorProto messages field by field without generated code. Unknown fields are skipped, as
// protobuf requires, so events from newer writers still read.
import { ImportError } from './errors';

export const WIRE = { varint: 0, i64: 1, len: 2, startGroup: 3, endGroup: 4, i32: 5 } as const;

const utf8 = new TextDecoder('utf-8');

export class ProtoReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
    view?: DataView,
  ) {
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  /** A reader over the next length-delimited field, sharing this one's buffer (no copy). */
  message(): ProtoReader {
    const n = this.varint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return new ProtoReader(this.buf, start, start + n, this.view);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ImportError('invalid protobuf: field number 0');
    return { field, wire: key % 8 };
  }

  /** An unsigned varint; exact up to 2^53, which covers every field read here. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new ImportError('invalid protobuf: a varint longer than 10 bytes');
  }

  /**
   * A signed int64 varint (two's complement over 10 bytes when negative). Read through BigInt
   * when it is long, because doubles cannot tell 2^64 − 1 (that is, −1) from 2^64.
   */
  int64(): number {
    const start = this.pos;
    let length = 0;
    while (this.byte() >= 0x80) {
      if (++length >= 10) throw new ImportError('invalid protobuf: a varint longer than 10 bytes');
    }
    if (this.pos - start <= 7) {
      this.pos = start;
      return this.varint();
    }
    let v = 0n;
    for (let i = this.pos - 1; i >= start; i--) v = (v << 7n) | BigInt(this.buf[i] & 0x7f);
    v = BigInt.asIntN(64, v);
    return Number(v);
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's contents, as a view into the buffer. */
  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.varint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    // Tags are short and ASCII; building them directly is several times faster than TextDecoder.
    if (n <= 64) {
      let ascii = '';
      for (let i = start; i < start + n; i++) {
        const b = this.buf[i];
        if (b >= 0x80) return utf8.decode(this.buf.subarray(start, start + n));
        ascii += String.fromCharCode(b);
      }
      return ascii;
    }
    return utf8.decode(this.buf.subarray(start, start + n));
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE.varint:
        this.varint();
        return;
      case WIRE.i64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE.len:
        this.bytes();
        return;
      case WIRE.i32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        // Groups are deprecated and appear in no TensorBoard message.
        throw new ImportError(`invalid protobuf: unsupported wire type ${wire}`);
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ImportError('invalid protobuf: the message ends in the middle of a field');
    return this.buf[this.pos++];
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ImportError('invalid protobuf: the message ends in the middle of a field');
  }
}

/** Reads a repeated numeric field whether it was written packed (one LEN field) or one value per field. */
export function readRepeated(r: ProtoReader, wire: number, packedWire: number, one: (r: ProtoReader) => number, out: number[]): void {
  if (wire !== WIRE.len) {
    if (wire !== packedWire) return r.skip(wire);
    out.push(one(r));
    return;
  }
  const inner = r.message();
  while (!inner.done) out.push(one(inner));
}
