// HTTP requests with full control over what is sent (Host, Origin, a body that is not JSON,
// one that never ends): fetch sets some of these itself and refuses others.
import http from 'node:http';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export function rawRequest(baseUrl: string, path: string, req: RawRequest = {}): Promise<RawReply> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request(
      { host: base.hostname, port: base.port, method: req.method ?? 'GET', path, headers: req.headers, agent: false, timeout: req.timeoutMs ?? 30_000 },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no reply in ${req.timeoutMs ?? 30_000} ms`)));
    // A server may answer (413) before the whole body is sent; the failed rest of the upload is not an error then.
    r.on('error', (err) => {
      if (!answered) reject(err);
    });
    r.end(req.body);
  });
}

/** Whether the server still answers its health check. */
export async function healthy(baseUrl: string): Promise<boolean> {
  try {
    return (await rawRequest(baseUrl, '/healthz', { timeoutMs: 10_000 })).status === 200;
  } catch {
    return false;
  }
}
