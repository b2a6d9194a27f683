// Bytes of an event file written by TensorFlow itself, for cross-checking the reader against a
// real writer. Source: the TFRecord tests of TensorBoard's Rust data server
// (github.com/wchargin/tensorboard, tensorboard/data/server/tf_record.rs, commit
// 0bf4bdc27ae97d46c62fad07dc2bb3ebbb7756af): "Event file with tf.summary.scalar("accuracy", 0.99,
// step=77) dumped via xxd". Binary event files in public repositories are not retrievable as text
// here, so the hex quoted in that source is the real-writer sample; the fixtures written by
// test/fixtures/tensorboard/generate.py cover the rest.

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => Number.parseInt(b, 16)));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Record 1: the file_version event. */
export const RECORD_1_DATA = concat(hex('09 00 00 80 38 99 d6 d7 41 1a 0d'), ascii('brain.Event:2'));
/** Record 2: accuracy = 0.99 at step 77, as a scalar tensor with the "scalars" plugin's metadata. */
export const RECORD_2_DATA = concat(
  hex('09 c4 05 b7 3d 99 d6 d7 41 10 4d 2a 25 0a 23 0a 08'),
  ascii('accuracy'),
  hex('42 0a 08 01 12 00 22 04 a4 70 7d 3f 4a 0b 0a 09 0a 07'),
  ascii('scalars'),
);

export const REAL_TF_FILE = concat(
  hex('18 00 00 00 00 00 00 00 a3 7f 4b 22'),
  RECORD_1_DATA,
  hex('12 4b 36 ab'),
  hex('32 00 00 00 00 00 00 00 24 19 56 ec'),
  RECORD_2_DATA,
  hex('a5 5b 64 33'),
);

export { ascii, concat, hex };
