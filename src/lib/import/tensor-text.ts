// The text in a string TensorProto (tensorflow/core/framework/tensor.proto: dtype = 1 is DT_STRING
// = 7, string_val = 8), as TensorBoard's text plugin stores it: add_text("args", ...) is how the
// Hugging Face Trainer records its TrainingArguments. Several strings (a table) are joined by lines.
import { ProtoReader, WIRE } from './protobuf';

const DT_STRING = 7;

export function textOfTensor(bytes: Uint8Array): string | undefined {
  const r = new ProtoReader(bytes);
  let dtype = 0;
  const parts: string[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.varint) dtype = r.varint();
    else if (field === 8 && wire === WIRE.len) parts.push(r.string());
    else r.skip(wire);
  }
  return dtype === DT_STRING && parts.length ? parts.join('\n') : undefined;
}
