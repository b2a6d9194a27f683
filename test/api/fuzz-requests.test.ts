// Generated requests at the HTTP layer, below what any client library would send: random paths
// (escapes, dot segments, procedure lists), headers (Host, Origin, content types and lengths,
// credentials) and bodies (deep, wide, binary, truncated, not JSON at all), written to a raw
// socket. Whatever comes back, the process must stay up, never answer 5xx, and answer a valid
// request afterwards. CI runs one fixed seed and a bounded number of runs (see bad-input.test.ts:
// FC_SEED=random explores).
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthy } from '../helpers/raw-http';
import { type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';

const seed = process.env.FC_SEED === 'random' ? undefined : Number(process.env.FC_SEED ?? 20_261_207);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let server: TestServer;
let pid: number;
beforeAll(async () => {
  server = await startServer({ env: { LRSCOPE_READ_RATE_LIMIT_RPS: '100000' } });
  pid = server.pid;
});
afterAll(async () => {
  await server?.stop();
});

const PROCEDURES = ['runs.list', 'runs.get', 'runs.log', 'runs.create', 'runs.series', 'runs.compareSeries', 'alerts.setRules', 'alerts.acknowledge', 'alerts.addWebhook', 'live.run', 'live.runs', 'nope', ''];
const segment = fc.oneof(
  fc.constantFrom('api', 'trpc', '_next', 'static', '..', '.', '%2e%2e', '%2F', '%5C', '%E0', '%', '%00', 'healthz', 'login', 'logout', 'alerts', 'runs', '~', '%C3%A9', '😀'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.oneof(
  fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
  fc.tuple(fc.array(fc.constantFrom(...PROCEDURES), { minLength: 1, maxLength: 30 }), fc.boolean(), fc.option(fc.string({ maxLength: 60 }))).map(
    ([procs, batch, input]) => `/api/trpc/${procs.join(',')}${batch ? '?batch=1' : ''}${input !== null ? `${batch ? '&' : '?'}input=${Math.random() < 0.5 ? encodeURIComponent(input) : input.replace(/[\s#]/g, '')}` : ''}`,
  ),
  fc.constantFrom('/api/trpc/%E0', '/_next/static/../../alerts', '//api/trpc/runs.list', '/api/trpc/runs.list?input=' + '%5B'.repeat(3000), '*', '/?%'),
);
const headerValue = fc.oneof(fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '')), fc.constantFrom('', ' ', 'null', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'Bearer', 'Bearer lrs_x_y', '-1', '99999999999', '1e3'));
const headers = fc.record(
  {
    // Mostly allowed names, so most requests get past the Host check to the parsers behind it.
    host: fc.oneof({ arbitrary: fc.constantFrom('127.0.0.1', 'localhost', '[::1]'), weight: 8 }, fc.constant('rebind.attacker.test'), fc.constant(''), headerValue),
    origin: fc.oneof({ arbitrary: fc.constant('http://127.0.0.1'), weight: 4 }, fc.constant('http://evil.test'), fc.constant('null'), headerValue),
    'content-type': fc.oneof(fc.constant('application/json'), fc.constant('application/json; charset=utf-8'), headerValue),
    authorization: headerValue,
    cookie: fc.oneof(fc.constant('lrscope_session=x'), fc.constant('lrscope_session=' + 'A'.repeat(43)), headerValue),
    'sec-fetch-site': fc.constantFrom('same-origin', 'same-origin', 'same-origin', 'cross-site', 'same-site', 'none'),
    'x-lrscope-dashboard': fc.constant('1'),
    accept: fc.constantFrom('text/event-stream', 'application/json', '*/*'),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(''),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 200_000 }).map((d) => '['.repeat(d)),
  fc.integer({ min: 1, max: 5_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('{"runId":', '{"0":{"json":', '"\\', '[' + '"\\u0000",'.repeat(100) + '1]', '{"__proto__":{"x":1}}', 'x'.repeat(300_000)),
);
const method = fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH');
/** How the body is framed: honest length, a lie, chunked, or none. */
const framing = fc.constantFrom('length', 'short', 'long', 'chunked', 'none');

function send(raw: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let reply = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      // The status line and headers are enough; a live feed would stream on.
      if (/\r\n\r\n/.test(reply)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    const timer = setTimeout(done, 3_000);
    socket.end(raw);
  });
}

function request(m: string, p: string, h: Record<string, string>, b: string, f: string): Buffer {
  const bytes = Buffer.from(b, 'latin1');
  const lines = [`${m} ${p.replace(/[\s]/g, '')} HTTP/1.1`];
  for (const [k, v] of Object.entries(h)) lines.push(`${k}: ${v}`);
  if (!h.host) lines.push('Host: 127.0.0.1');
  let payload: Buffer = Buffer.alloc(0);
  if (f === 'length') [lines[lines.length], payload] = [`Content-Length: ${bytes.length}`, bytes];
  else if (f === 'short') [lines[lines.length], payload] = [`Content-Length: ${Math.max(0, bytes.length - 5)}`, bytes];
  else if (f === 'long') [lines[lines.length], payload] = [`Content-Length: ${bytes.length + 100}`, bytes];
  else if (f === 'chunked') [lines[lines.length], payload] = ['Transfer-Encoding: chunked', Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')])];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

describe('request fuzzer', () => {
  it('no path, header or body takes the process down or gets a 5xx', { timeout: 600_000 }, async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, framing, async (m, p, h, b, f) => {
        const reply = await send(request(m, p, h, b, f));
        const status = /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 'closed';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status.startsWith('5'), `${m} ${p.slice(0, 120)} → ${reply.slice(0, 300)}`).toBe(false);
      }),
      { numRuns: RUNS, ...(seed === undefined ? {} : { seed }) },
    );
    console.log('fuzzer replies by status:', JSON.stringify(Object.fromEntries([...statuses].sort())));
    expect(await healthy(server.url)).toBe(true);
    expect(server.pid).toBe(pid);
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(data<any>(await query(server.url, 'runs.list')).runs).toEqual([]);
    expect(server.output()).not.toMatch(/FATAL|heap limit|Uncaught|unhandled/i);
  });
});
