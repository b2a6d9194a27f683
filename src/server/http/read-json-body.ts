// Request bodies are read here, before tRPC: counted and depth-scanned chunk by chunk, so an
// oversized or deeply nested body is refused while it arrives (413 / 400) and JSON.parse only
// ever sees text it can handle. The text is handed to tRPC as req.body, which its adapter uses
// instead of reading the stream again.
import type http from 'node:http';
import { createDepthScanner } from '@/lib/json/json-depth';

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

export class BodyRefusedError extends Error {
  constructor(
    readonly status: 400 | 408 | 413,
    readonly code: 'BAD_REQUEST' | 'TIMEOUT' | 'PAYLOAD_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

/** A refused body is read to its end and dropped (up to this much) so the client, still sending, can read the refusal. */
const DRAIN_BYTES = 64 * 1024 * 1024;

function refuseAfterDrain(req: http.IncomingMessage, err: BodyRefusedError, reject: (err: BodyRefusedError) => void) {
  let drained = 0;
  const done = () => reject(err);
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) req.destroy();
  });
  req.once('end', done);
  req.once('close', done);
  req.resume();
}

export function readJsonBody(req: http.IncomingMessage, limits: BodyLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limits.maxBytes) return refuseAfterDrain(req, tooLarge(limits), reject);
    const scanner = createDepthScanner(limits.maxDepth);
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: BodyRefusedError) => {
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
      refuseAfterDrain(req, err, reject);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return stop(tooLarge(limits));
      if (!scanner.feed(chunk)) return stop(new BodyRefusedError(400, 'BAD_REQUEST', `the request body nests deeper than ${limits.maxDepth} levels`));
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('data', onData);
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.once('error', () => stop(new BodyRefusedError(400, 'BAD_REQUEST', 'the request body could not be read')));
  });
}

function tooLarge(limits: BodyLimits): BodyRefusedError {
  return new BodyRefusedError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than this procedure accepts (${limits.maxBytes} bytes)`);
}
