// The hand-written protobuf reader: varints, signed int64, fixed-width numbers, nested messages,
// packed and unpacked repeated fields, and clear failures on damaged input.
import { describe, expect, it } from 'vitest';
import { ImportError } from '@/lib/import';
import { ProtoReader, readRepeated, WIRE } from '@/lib/import/protobuf';
import { hex } from './real-tf-file';

const reader = (s: string) => new ProtoReader(hex(s));

describe('varints', () => {
  it('reads one- and multi-byte varints (the protobuf docs\' 150 is 96 01)', () => {
    expect(reader('00').varint()).toBe(0);
    expect(reader('7f').varint()).toBe(127);
    expect(reader('96 01').varint()).toBe(150);
    expect(reader('ac 02').varint()).toBe(300);
    expect(reader('ff ff ff ff 0f').varint()).toBe(2 ** 32 - 1);
    expect(reader('80 80 80 80 80 80 80 10').varint()).toBe(2 ** 53);
  });

  it('reads negative int64 as ten-byte two\'s complement, and large positives exactly', () => {
    expect(reader('ff ff ff ff ff ff ff ff ff 01').int64()).toBe(-1);
    expect(reader('fe ff ff ff ff ff ff ff ff 01').int64()).toBe(-2);
    expect(reader('4d').int64()).toBe(77);
    expect(reader('80 80 80 80 80 80 80 10').int64()).toBe(2 ** 53);
    expect(reader('ff ff ff ff 07').int64()).toBe(2 ** 31 - 1);
  });

  it('refuses a varint that never ends or runs past the message', () => {
    expect(() => reader('ff ff ff ff ff ff ff ff ff ff 01').varint()).toThrow(/longer than 10 bytes/);
    expect(() => reader('ff ff').varint()).toThrow(ImportError);
    expect(() => reader('ff ff').varint()).toThrow('invalid protobuf: the message ends in the middle of a field');
  });
});

describe('fields', () => {
  it('reads tags, doubles, floats and length-delimited fields in order', () => {
    // field 1 double 1.5, field 2 varint 7, field 3 bytes "hi", field 4 float 0.25
    const r = reader('09 00 00 00 00 00 00 f8 3f 10 07 1a 02 68 69 25 00 00 80 3e');
    expect(r.tag()).toEqual({ field: 1, wire: WIRE.i64 });
    expect(r.double()).toBe(1.5);
    expect(r.tag()).toEqual({ field: 2, wire: WIRE.varint });
    expect(r.varint()).toBe(7);
    expect(r.tag()).toEqual({ field: 3, wire: WIRE.len });
    expect(r.string()).toBe('hi');
    expect(r.tag()).toEqual({ field: 4, wire: WIRE.i32 });
    expect(r.float()).toBe(0.25);
    expect(r.done).toBe(true);
  });

  it('skips unknown fields of every wire type', () => {
    const r = reader('08 96 01 11 01 02 03 04 05 06 07 08 1a 03 61 62 63 25 01 02 03 04 28 05');
    const seen: number[] = [];
    while (!r.done) {
      const { field, wire } = r.tag();
      if (field === 5) seen.push(r.varint());
      else r.skip(wire);
    }
    expect(seen).toEqual([5]);
  });

  it('refuses groups, field number 0 and a length past the end', () => {
    expect(() => reader('0b').skip(reader('0b').tag().wire)).toThrow('invalid protobuf: unsupported wire type 3');
    expect(() => reader('00 00').tag()).toThrow('invalid protobuf: field number 0');
    expect(() => reader('0a 05 61 62').bytes()).toThrow('the message ends in the middle of a field');
    expect(() => reader('0a 05 61 62').skip(WIRE.len)).toThrow(ImportError);
  });

  it('reads repeated numbers packed or one per field, and skips a wrong wire type', () => {
    const out: number[] = [];
    const packed = reader('2a 08 00 00 80 3f 00 00 00 40');
    readRepeated(packed, packed.tag().wire, WIRE.i32, (x) => x.float(), out);
    const single = reader('2d 00 00 40 40');
    readRepeated(single, single.tag().wire, WIRE.i32, (x) => x.float(), out);
    const wrong = reader('28 01');
    readRepeated(wrong, wrong.tag().wire, WIRE.i32, (x) => x.float(), out);
    expect(out).toEqual([1, 2, 3]);
    expect(wrong.done).toBe(true);
  });
});
