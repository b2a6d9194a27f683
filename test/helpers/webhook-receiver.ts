// A real local HTTP server standing in for Slack or any webhook receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: any;
  raw: string;
  signature: string;
  event: string;
  /** X-Lrscope-Delivery: the same on every attempt of one notification. */
  delivery: string;
}

export interface Receiver {
  url: string;
  /** Notifications answered with 200, in arrival order. */
  received: Received[];
  /** Every request, including the ones answered with a failure. */
  requests(): number;
  /** Status codes to answer with, in order; 200 once they run out. */
  failWith(statuses: number[]): void;
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  /** Waits until `done` holds for what was received; returns that. */
  waitUntil(done: (received: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<Received[]>;
  close(): Promise<void>;
}

export function signatureValid(secret: string, raw: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let failures: number[] = [];
  let requests = 0;
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      requests++;
      const status = failures.shift() ?? 200;
      if (status === 200) received.push({ body: JSON.parse(raw), raw, signature: String(req.headers['x-lrscope-signature'] ?? ''), event: String(req.headers['x-lrscope-event'] ?? ''), delivery: String(req.headers['x-lrscope-delivery'] ?? '') });
      for (const w of waiters.splice(0)) w();
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const waitUntil = async (done: (r: Received[]) => boolean, timeoutMs = 15_000, what = 'the expected notifications') => {
    const deadline = Date.now() + timeoutMs;
    while (!done(received)) {
      if (Date.now() > deadline) throw new Error(`webhook receiver did not get ${what} in ${timeoutMs} ms; got ${received.length}: ${received.map((r) => r.event).join(', ')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return received;
  };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests: () => requests,
    failWith: (s) => void (failures = [...s]),
    waitFor: (n, timeoutMs) => waitUntil((r) => r.length >= n, timeoutMs, `${n} notifications`),
    waitUntil,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
