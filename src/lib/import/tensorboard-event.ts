// TensorBoard's Event protobuf (tensorflow/core/util/event.proto) and the scalar values in its
// Summary (tensorflow/core/framework/summary.proto). Only what an import needs is read:
//   Event:         wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5
//   Summary:       value = 1 (repeated Value)
//   Summary.Value: tag = 1, simple_value = 2 (float), metadata = 9, tensor = 8 (TensorProto: a scalar, or text)
//   SummaryMetadata: plugin_data = 1 { plugin_name = 1 }, data_class = 4
// Everything else (graphs, session logs, images, histograms, audio) is skipped.
import { ProtoReader, WIRE } from './protobuf';
import { scalarOfTensor } from './tensor-scalar';
import { textOfTensor } from './tensor-text';

export interface EventValue {
  tag: string;
  /** The number, when the value is a scalar; undefined for images, histograms, text, ... */
  value?: number;
  /** The plugin named in the value's metadata ("scalars", "histograms", ...), when the writer sent metadata. */
  plugin?: string;
  /** The text of a string tensor (the text plugin: add_text). */
  text?: string;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: EventValue[];
}

/** DataClass.SCALAR in summary.proto. */
const DATA_CLASS_SCALAR = 1;

function pluginOf(r: ProtoReader): string | undefined {
  let plugin: string | undefined;
  let dataClass = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.len) {
      const pd = r.message();
      while (!pd.done) {
        const t = pd.tag();
        if (t.field === 1 && t.wire === WIRE.len) plugin = pd.string();
        else pd.skip(t.wire);
      }
    } else if (field === 4 && wire === WIRE.varint) dataClass = r.varint();
    else r.skip(wire);
  }
  return plugin || (dataClass === DATA_CLASS_SCALAR ? 'scalars' : undefined);
}

function decodeValue(r: ProtoReader): EventValue {
  const out: EventValue = { tag: '' };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.len) out.tag = r.string();
    else if (field === 2 && wire === WIRE.i32) out.value = r.float();
    else if (field === 8 && wire === WIRE.len) {
      const tensor = r.bytes();
      const v = scalarOfTensor(tensor);
      if (v !== undefined) out.value = v;
      else {
        const text = textOfTensor(tensor);
        if (text !== undefined) out.text = text;
      }
    } else if (field === 9 && wire === WIRE.len) out.plugin = pluginOf(r.message());
    else r.skip(wire);
  }
  return out;
}

export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const r = new ProtoReader(bytes);
  const event: DecodedEvent = { wallTime: Number.NaN, step: 0, values: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.i64) event.wallTime = r.double();
    else if (field === 2 && wire === WIRE.varint) event.step = r.int64();
    else if (field === 3 && wire === WIRE.len) event.fileVersion = r.string();
    else if (field === 5 && wire === WIRE.len) {
      const summary = r.message();
      while (!summary.done) {
        const t = summary.tag();
        if (t.field === 1 && t.wire === WIRE.len) event.values.push(decodeValue(summary.message()));
        else summary.skip(t.wire);
      }
    } else r.skip(wire);
  }
  return event;
}
