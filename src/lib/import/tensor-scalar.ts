// The one number in a scalar TensorProto (tensorflow/core/framework/tensor.proto), as newer
// TensorBoard writers (tf.summary in TF 2, torch's new_style scalars) store scalars: the dtype,
// an empty shape, and the value in tensor_content (raw little-endian bytes) or in the typed
// repeated field (float_val, double_val, ...).
import { ProtoReader, readRepeated, WIRE } from './protobuf';

// DataType enum values (tensorflow/core/framework/types.proto).
const DT = { float: 1, double: 2, int32: 3, uint8: 4, int16: 5, int8: 6, int64: 9, bfloat16: 14, half: 19 } as const;

const FIELD = { dtype: 1, shape: 2, content: 4, floatVal: 5, doubleVal: 6, intVal: 7, int64Val: 10, halfVal: 13 } as const;

/** Number of elements a TensorShapeProto describes; undefined for an unknown rank or size. */
function elements(shape: Uint8Array): number | undefined {
  const r = new ProtoReader(shape);
  let count = 1;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 3 && wire === WIRE.varint) {
      if (r.varint()) return undefined; // unknown_rank
    } else if (field === 2 && wire === WIRE.len) {
      const dim = new ProtoReader(r.bytes());
      let size = 0;
      while (!dim.done) {
        const t = dim.tag();
        if (t.field === 1 && t.wire === WIRE.varint) size = dim.int64();
        else dim.skip(t.wire);
      }
      if (size < 0) return undefined;
      count *= size;
    } else r.skip(wire);
  }
  return count;
}

/** IEEE 754 half precision (as TensorFlow keeps it in half_val or in 2 content bytes). */
function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function fromBfloat16(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

function fromContent(dtype: number, content: Uint8Array): number | undefined {
  const v = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const size: Record<number, number> = { [DT.float]: 4, [DT.double]: 8, [DT.int32]: 4, [DT.int64]: 8, [DT.half]: 2, [DT.bfloat16]: 2, [DT.uint8]: 1, [DT.int8]: 1, [DT.int16]: 2 };
  if (content.length !== size[dtype]) return undefined;
  switch (dtype) {
    case DT.float:
      return v.getFloat32(0, true);
    case DT.double:
      return v.getFloat64(0, true);
    case DT.int32:
      return v.getInt32(0, true);
    case DT.int64:
      return Number(v.getBigInt64(0, true));
    case DT.half:
      return fromHalf(v.getUint16(0, true));
    case DT.bfloat16:
      return fromBfloat16(v.getUint16(0, true));
    case DT.uint8:
      return v.getUint8(0);
    case DT.int8:
      return v.getInt8(0);
    case DT.int16:
      return v.getInt16(0, true);
  }
  return undefined;
}

/** The value of a one-element numeric tensor; undefined for anything else (histograms, text, images). */
export function scalarOfTensor(bytes: Uint8Array): number | undefined {
  const r = new ProtoReader(bytes);
  let dtype = 0;
  let count: number | undefined = 1;
  let content: Uint8Array | undefined;
  const floats: number[] = [];
  const doubles: number[] = [];
  const ints: number[] = [];
  const int64s: number[] = [];
  const halves: number[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case FIELD.dtype:
        if (wire === WIRE.varint) dtype = r.varint();
        else r.skip(wire);
        break;
      case FIELD.shape:
        if (wire === WIRE.len) count = elements(r.bytes());
        else r.skip(wire);
        break;
      case FIELD.content:
        if (wire === WIRE.len) content = r.bytes();
        else r.skip(wire);
        break;
      case FIELD.floatVal:
        readRepeated(r, wire, WIRE.i32, (x) => x.float(), floats);
        break;
      case FIELD.doubleVal:
        readRepeated(r, wire, WIRE.i64, (x) => x.double(), doubles);
        break;
      case FIELD.intVal:
        readRepeated(r, wire, WIRE.varint, (x) => x.int64(), ints);
        break;
      case FIELD.int64Val:
        readRepeated(r, wire, WIRE.varint, (x) => x.int64(), int64s);
        break;
      case FIELD.halfVal:
        readRepeated(r, wire, WIRE.varint, (x) => x.varint(), halves);
        break;
      default:
        r.skip(wire);
    }
  }
  if (count !== 1) return undefined;
  if (content && content.length > 0) return fromContent(dtype, content);
  switch (dtype) {
    case DT.float:
      return floats[0];
    case DT.double:
      return doubles[0];
    case DT.int32:
    case DT.uint8:
    case DT.int8:
    case DT.int16:
      return ints[0];
    case DT.int64:
      return int64s[0];
    case DT.half:
      return halves.length ? fromHalf(halves[0]) : undefined;
    case DT.bfloat16:
      return halves.length ? fromBfloat16(halves[0]) : undefined;
  }
  return undefined;
}
