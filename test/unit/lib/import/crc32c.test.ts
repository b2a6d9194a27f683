// CRC-32C and TensorFlow's masking, against published check values and CRCs from real files.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc, maskedCrc32c } from '@/lib/import/crc32c';
import { ascii, hex, RECORD_1_DATA, RECORD_2_DATA } from './real-tf-file';

describe('crc32c', () => {
  it('gives the standard check value and the RFC 3720 (iSCSI) examples', () => {
    expect(crc32c(new Uint8Array())).toBe(0);
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with the bit-by-bit definition on any bytes, at any offset and length', () => {
    const bitwise = (bytes: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(7), fc.nat(7), (data, pre, post) => {
        const padded = new Uint8Array(pre + data.length + post).fill(0xa5);
        padded.set(data, pre);
        expect(crc32c(padded, pre, pre + data.length)).toBe(bitwise(data));
      }),
      { numRuns: 300 },
    );
  });

  it('checks a slice of a buffer without copying it', () => {
    const bytes = concatWithNoise(ascii('123456789'));
    expect(crc32c(bytes, 3, 12)).toBe(0xe3069283);
  });
});

describe('masked CRC', () => {
  it('matches the CRCs TensorFlow wrote into a real event file', () => {
    // TensorBoard's data server cites this record of a real file: Event(file_version=b"CRC test, one two").
    expect(maskedCrc32c(concatWithNoise(ascii('\x1a\x11CRC test, one two')), 3, 3 + 19)).toBe(0x5794d08a);
    expect(maskedCrc32c(hex('18 00 00 00 00 00 00 00'))).toBe(0x224b7fa3);
    expect(maskedCrc32c(hex('32 00 00 00 00 00 00 00'))).toBe(0xec561924);
    expect(maskedCrc32c(RECORD_1_DATA)).toBe(0xab364b12);
    expect(maskedCrc32c(RECORD_2_DATA)).toBe(0x33645ba5);
  });

  it('rotates right by 15 and adds 0xa282ead8 modulo 2^32', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(1)).toBe((2 ** 17 + 0xa282ead8) >>> 0);
    expect(maskCrc(0xffffffff)).toBe((0xffffffff + 0xa282ead8) % 2 ** 32);
  });
});

function concatWithNoise(middle: Uint8Array): Uint8Array {
  const out = new Uint8Array(middle.length + 6).fill(0x5a);
  out.set(middle, 3);
  return out;
}
