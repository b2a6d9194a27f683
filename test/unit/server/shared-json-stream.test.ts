// A live event's bulk is serialised once and spliced into each stream's bytes where that
// stream's placeholder is; anything else (an unknown token, a run named like one) stays as it is.
import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { JsonArrayParts, sharedJsonStream, splice } from '@/server/http/shared-json-stream';

const text = (pieces: Buffer[]) => Buffer.concat(pieces).toString();
const empty = () => new Map<string, Buffer[]>();
const encoded = (event: unknown) => Buffer.from(`data: ${JSON.stringify(event)}\n`);

describe('splice', () => {
  it('replaces a registered placeholder, quotes included, by the value and forgets it', () => {
    const token = '\u0000shared:ab.0';
    const points = [{ step: 1, lr: 0.1 }];
    const pending = new Map([[token, [Buffer.from(JSON.stringify(points))]]]);
    const out = text(splice(encoded({ kind: 'points', batch: 3, points: token }), pending));
    expect(out).toBe(`data: ${JSON.stringify({ kind: 'points', batch: 3, points })}\n`);
    expect(JSON.parse(out.slice(6))).toEqual({ kind: 'points', batch: 3, points });
    expect(pending.size).toBe(0);
  });

  it('replaces several placeholders in one chunk, in place', () => {
    const pending = new Map([
      ['\u0000shared:ab.1', [Buffer.from('[1]')]],
      ['\u0000shared:ab.2', [Buffer.from('{"x":2}')]],
    ]);
    const out = text(splice(encoded({ a: '\u0000shared:ab.1', b: 'keep', c: '\u0000shared:ab.2' }), pending));
    expect(JSON.parse(out.slice(6))).toEqual({ a: [1], b: 'keep', c: { x: 2 } });
  });

  it('leaves strings that only look like placeholders, and chunks without any, unchanged', () => {
    const pending = new Map([['\u0000shared:ab.7', [Buffer.from('[7]')]]]);
    const lookalike = encoded({ run: { name: '\u0000shared:ab.6' }, points: '\u0000shared:ab.7' });
    expect(JSON.parse(text(splice(lookalike, pending)).slice(6))).toEqual({ run: { name: '\u0000shared:ab.6' }, points: [7] });
    const plain = encoded({ kind: 'run' });
    expect(text(splice(plain, empty()))).toBe(plain.toString());
  });
});

/** A response that records what reaches the socket, one array of pieces per write. */
function fakeResponse() {
  const writes: Buffer[][] = [];
  const res = {
    write(chunk: unknown) {
      writes.push([Buffer.from(chunk as Uint8Array)]);
      return true;
    },
    cork() {},
    uncork() {},
  };
  return { res: res as unknown as http.ServerResponse, writes };
}

describe('a value in parts (JsonArrayParts)', () => {
  const a = [{ step: 1 }, { step: 2 }];
  const b = [{ step: 3 }];

  it('reaches each stream as the one array, with empty parts left out', () => {
    for (const parts of [[a, b], [a, [], b], [[], a, b, []], [[]], []]) {
      const { res, writes } = fakeResponse();
      const share = sharedJsonStream(res);
      const event = { kind: 'points', points: share(new JsonArrayParts<{ step: number }>(parts)) };
      res.write(encoded(event));
      const sent = JSON.parse(Buffer.concat(writes.flat()).toString().slice(6));
      expect(sent, JSON.stringify(parts)).toEqual({ kind: 'points', points: parts.flat() });
    }
  });

  it('encodes each part once for every stream and event that sends it', () => {
    const b = [{ step: 3 }];
    const c = [{ step: 4 }];
    const spy = vi.spyOn(JSON, 'stringify');
    const streams = [fakeResponse(), fakeResponse(), fakeResponse()];
    for (const [i, { res }] of streams.entries()) {
      const share = sharedJsonStream(res);
      // Pages a batch apart: the first is sent [c], the others [b, c] — c is shared by all.
      res.write(encoded({ points: share(new JsonArrayParts(i === 0 ? [c] : [b, c])) }));
    }
    const encodedParts = spy.mock.calls.filter(([v]) => v === b || v === c);
    spy.mockRestore();
    expect(encodedParts.map(([v]) => v)).toEqual([c, b]);
    expect(streams.map(({ writes }) => JSON.parse(Buffer.concat(writes.flat()).toString().slice(6)).points)).toEqual([c, [...b, ...c], [...b, ...c]]);
  });

  it('is the one array wherever it is not shared', () => {
    expect(JSON.parse(JSON.stringify({ points: new JsonArrayParts([a, [], b]) }))).toEqual({ points: [...a, ...b] });
  });
});
