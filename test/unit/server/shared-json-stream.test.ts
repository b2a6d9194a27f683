// A live event's bulk is serialised once and spliced into each stream's bytes where that
// stream's placeholder is; anything else (an unknown token, a run named like one) stays as it is.
import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { JsonColumnParts, sharedJsonStream, splice } from '@/server/http/shared-json-stream';

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

describe('columns in parts (JsonColumnParts)', () => {
  type Cols = { step: number[]; lr: (number | null)[] };
  const keys = ['step', 'lr'] as const;
  const a: Cols = { step: [1, 2], lr: [0.1, null] };
  const b: Cols = { step: [3], lr: [0.3] };
  const none: Cols = { step: [], lr: [] };
  const sent = (writes: Buffer[][]) => JSON.parse(Buffer.concat(writes.flat()).toString().slice(6));

  it('reach each stream as one object of columns, each the parts end to end, empty parts left out', () => {
    for (const parts of [[a, b], [a, none, b], [none, a, b, none], [none], []]) {
      const { res, writes } = fakeResponse();
      const share = sharedJsonStream(res);
      res.write(encoded({ kind: 'points', points: share(new JsonColumnParts<Cols>(keys, parts)) }));
      expect(sent(writes), JSON.stringify(parts)).toEqual({ kind: 'points', points: { step: parts.flatMap((p) => p.step), lr: parts.flatMap((p) => p.lr) } });
    }
  });

  it("encode each part's column once for every stream and event that sends it", () => {
    const b2: Cols = { step: [3], lr: [0.3] };
    const c: Cols = { step: [4], lr: [0.4] };
    const spy = vi.spyOn(JSON, 'stringify');
    const streams = [fakeResponse(), fakeResponse(), fakeResponse()];
    for (const [i, { res }] of streams.entries()) {
      const share = sharedJsonStream(res);
      // Pages a batch apart: the first is sent [c], the others [b2, c]; c is shared by all.
      res.write(encoded({ points: share(new JsonColumnParts<Cols>(keys, i === 0 ? [c] : [b2, c])) }));
    }
    const columns = [c.step, c.lr, b2.step, b2.lr];
    const encodedColumns = spy.mock.calls.filter(([v]) => columns.includes(v as never));
    spy.mockRestore();
    expect(encodedColumns.map(([v]) => v)).toEqual([c.step, c.lr, b2.step, b2.lr]);
    expect(streams.map(({ writes }) => sent(writes).points)).toEqual([
      { step: [4], lr: [0.4] },
      { step: [3, 4], lr: [0.3, 0.4] },
      { step: [3, 4], lr: [0.3, 0.4] },
    ]);
  });

  it('are the one object of columns wherever they are not shared', () => {
    expect(JSON.parse(JSON.stringify({ points: new JsonColumnParts<Cols>(keys, [a, none, b]) }))).toEqual({ points: { step: [1, 2, 3], lr: [0.1, null, 0.3] } });
  });
});

describe('a shared stream under backpressure', () => {
  // As tRPC's node adapter writes: each event whole, then waits for drain when told to.
  async function send(slowReader: boolean): Promise<{ events: number; written: number }> {
    const { createServer, get } = await import('node:http');
    const columns = new JsonColumnParts<{ step: number[]; lr: (number | null)[] }>(['step', 'lr'], [{ step: Array.from({ length: 20_000 }, (_, i) => i), lr: Array.from({ length: 20_000 }, () => 1e-3) }]);
    let written = 0;
    const server = createServer(async (_req, res) => {
      const share = sharedJsonStream(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 30; i++) {
        const chunk = Buffer.from(`data: ${JSON.stringify({ i, points: share(columns) })}\n\n`);
        if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve));
        written++;
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const events = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the stream stalled after ${written} of 30 events`)), 10_000);
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let text = '';
          let spurt: NodeJS.Timeout | undefined;
          if (slowReader) {
            // Reads in spurts, so the server's socket backs up.
            res.pause();
            spurt = setInterval(() => {
              res.resume();
              setTimeout(() => res.pause(), 2);
            }, 10);
          }
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            clearInterval(spurt);
            clearTimeout(timer);
            resolve(text.split('\n\n').filter((e) => e.startsWith('data: ')).length);
          });
          res.on('error', reject);
        }).on('error', reject);
      });
      return { events, written };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it('never leaves the writer waiting for a drain that cannot come (a reader that keeps up, events over 16 KiB)', async () => {
    expect(await send(false)).toEqual({ events: 30, written: 30 });
  }, 30_000);

  it('gives a slow reader every event', async () => {
    expect(await send(true)).toEqual({ events: 30, written: 30 });
  }, 30_000);
});
