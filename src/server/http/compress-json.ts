// Compresses API JSON replies (brotli or gzip, whichever the client accepts) before they go out:
// chart series and run lists are repetitive text, ~5–10× smaller compressed. Live feeds
// (text/event-stream) and anything already sent are left alone.
import type http from 'node:http';
import zlib from 'node:zlib';

// Below this a reply fits in one packet anyway; compressing it only costs CPU.
const MIN_BYTES = 1024;

/** The encoding to use for an Accept-Encoding header: br, then gzip (q=0 refuses one); null for neither. */
export function pickEncoding(acceptEncoding: string | string[] | undefined): 'br' | 'gzip' | null {
  const offered = new Map<string, number>();
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    offered.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

function compress(body: Buffer, encoding: 'br' | 'gzip', done: (err: Error | null, out: Buffer) => void) {
  // Brotli quality 5: most of brotli's gain over gzip at gzip's speed (11, the default, is ~20× slower).
  if (encoding === 'br') zlib.brotliCompress(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }, done);
  else zlib.gzip(body, { level: 6 }, done);
}

const isJson = (type: unknown) => typeof type === 'string' && type.split(';')[0].trim().toLowerCase() === 'application/json';

/** Makes `res` compress a JSON reply written to it (by setHeader + write/end, as tRPC does). */
export function compressJsonReplies(req: http.IncomingMessage, res: http.ServerResponse): void {
  const encoding = pickEncoding(req.headers['accept-encoding']);
  if (!encoding || req.method === 'HEAD') return;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  const chunks: Buffer[] = [];
  const passThrough = () => !isJson(res.getHeader('content-type')) || res.headersSent;
  const toBuffer = (chunk: unknown, enc: unknown) => (Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array));
  res.write = ((chunk: unknown, enc?: unknown, cb?: unknown) => {
    if (chunks.length === 0 && passThrough()) {
      res.write = write as typeof res.write;
      res.end = end as typeof res.end;
      return write(chunk, enc, cb);
    }
    chunks.push(toBuffer(chunk, enc));
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, enc?: unknown, cb?: unknown) => {
    const callback = [chunk, enc, cb].find((a) => typeof a === 'function') as (() => void) | undefined;
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, enc));
    const body = Buffer.concat(chunks);
    if (passThrough() || body.length < MIN_BYTES) return end(body, callback);
    compress(body, encoding, (err, out) => {
      if (err || res.headersSent) return void end(body, callback);
      res.setHeader('content-encoding', encoding);
      res.setHeader('content-length', out.length);
      res.setHeader('vary', 'accept-encoding');
      end(out, callback);
    });
    return res;
  }) as typeof res.end;
}
