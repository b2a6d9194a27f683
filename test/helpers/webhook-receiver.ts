// A real local HTTP server standing in for Slack or any webhook receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: any;
  raw: string;
  signature: string;
  event: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status codes to answer with, in order; 200 once they run out. */
  failWith(statuses: number[]): void;
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
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
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const status = failures.shift() ?? 200;
      if (status === 200) {
        received.push({ body: JSON.parse(raw), raw, signature: String(req.headers['x-lrscope-signature'] ?? ''), event: String(req.headers['x-lrscope-event'] ?? '') });
        for (const w of waiters.splice(0)) w();
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    failWith: (s) => void (failures = [...s]),
    async waitFor(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`webhook receiver got ${received.length} of ${n} notifications in ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return received;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
