// A minimal TensorBoard event writer for the benchmarks (the tests use event files written by
// tensorboardX): TFRecord framing around Event { wall_time, step, summary { value { tag, simple_value } } }.
import { maskedCrc32c } from '../src/lib/import/crc32c';

function varint(n: number, out: number[]): void {
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function len(field: number, body: number[], out: number[]): void {
  varint((field << 3) | 2, out);
  varint(body.length, out);
  for (const b of body) out.push(b);
}

const f64 = new DataView(new ArrayBuffer(8));

/** One event holding one scalar. */
export function scalarEvent(step: number, wallTime: number, tag: string, value: number): number[] {
  const v: number[] = [];
  len(1, [...new TextEncoder().encode(tag)], v);
  f64.setFloat32(0, value, true);
  v.push((2 << 3) | 5, f64.getUint8(0), f64.getUint8(1), f64.getUint8(2), f64.getUint8(3));
  const summary: number[] = [];
  len(1, v, summary);
  const event: number[] = [(1 << 3) | 1];
  f64.setFloat64(0, wallTime, true);
  for (let i = 0; i < 8; i++) event.push(f64.getUint8(i));
  event.push(2 << 3);
  varint(step, event);
  len(5, summary, event);
  return event;
}

/** TFRecord framing of several records. */
export function records(datas: number[][]): Uint8Array {
  const size = datas.reduce((n, d) => n + d.length + 16, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const d of datas) {
    view.setUint32(at, d.length, true);
    view.setUint32(at + 4, 0, true);
    view.setUint32(at + 8, maskedCrc32c(out, at, at + 8), true);
    out.set(d, at + 12);
    view.setUint32(at + 12 + d.length, maskedCrc32c(out, at + 12, at + 12 + d.length), true);
    at += d.length + 16;
  }
  return out;
}
