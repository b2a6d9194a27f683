// A live event's bulk is serialised once and spliced into each stream's bytes where that
// stream's placeholder is; anything else (an unknown token, a run named like one) stays as it is.
import { describe, expect, it } from 'vitest';
import { splice } from '@/server/http/shared-json-stream';

const text = (pieces: Buffer[]) => Buffer.concat(pieces).toString();
const encoded = (event: unknown) => Buffer.from(`data: ${JSON.stringify(event)}\n`);

describe('splice', () => {
  it('replaces a registered placeholder, quotes included, by the value and forgets it', () => {
    const token = '\u0000shared:ab.0';
    const points = [{ step: 1, lr: 0.1 }];
    const pending = new Map([[token, Buffer.from(JSON.stringify(points))]]);
    const out = text(splice(encoded({ kind: 'points', batch: 3, points: token }), pending));
    expect(out).toBe(`data: ${JSON.stringify({ kind: 'points', batch: 3, points })}\n`);
    expect(JSON.parse(out.slice(6))).toEqual({ kind: 'points', batch: 3, points });
    expect(pending.size).toBe(0);
  });

  it('replaces several placeholders in one chunk, in place', () => {
    const pending = new Map([
      ['\u0000shared:ab.1', Buffer.from('[1]')],
      ['\u0000shared:ab.2', Buffer.from('{"x":2}')],
    ]);
    const out = text(splice(encoded({ a: '\u0000shared:ab.1', b: 'keep', c: '\u0000shared:ab.2' }), pending));
    expect(JSON.parse(out.slice(6))).toEqual({ a: [1], b: 'keep', c: { x: 2 } });
  });

  it('leaves strings that only look like placeholders, and chunks without any, unchanged', () => {
    const pending = new Map([['\u0000shared:ab.7', Buffer.from('[7]')]]);
    const lookalike = encoded({ run: { name: '\u0000shared:ab.6' }, points: '\u0000shared:ab.7' });
    expect(JSON.parse(text(splice(lookalike, pending)).slice(6))).toEqual({ run: { name: '\u0000shared:ab.6' }, points: [7] });
    const plain = encoded({ kind: 'run' });
    expect(text(splice(plain, new Map()))).toBe(plain.toString());
  });
});
