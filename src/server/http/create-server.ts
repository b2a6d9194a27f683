// One Node HTTP server: tRPC under /api/trpc, a health check, and (unless API-only) the
// Next.js pages for everything else.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Alerting } from '../alerts/alerting';
import { LIMITS } from '../api/limits';
import { appRouter } from '../api/root';
import { DatabaseUnavailableError, errorReference, RateLimitedError } from '../api/trpc';
import { logAtMostEvery } from '../log-at-most-every';
import type { Db } from '../db/open-database';
import type { RunVerdicts } from '../runs/run-verdicts';
import { createDashboardAuth, INGEST_PROCEDURES, proceduresOf } from './dashboard-auth';
import { isExportUrl, serveExport } from './export-routes';
import type { RateLimiter } from './rate-limit';

export type PageHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface ServerOptions {
  db: Db;
  verdicts: RunVerdicts;
  alerting: Alerting;
  rateLimiter: RateLimiter;
  host: string;
  port: number;
  dashboardToken?: string;
  /** Serves the dashboard; absent for an API-only server. */
  pages?: PageHandler;
  /** Content-Security-Policy for pages (production only: the dev server needs eval). */
  csp?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  // The dashboard uses none of these; a page injected into it gets none either.
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-read=()',
};

const DATABASE_RETRY_AFTER_SECONDS = 2;

// An outage fails every request; one line per few seconds says so without flooding the log.
const logUnavailable = logAtMostEvery(5_000, (line: string, suppressed: number) =>
  console.error(`lrscope: ${line}${suppressed ? ` (and ${suppressed} more failures since the last report)` : ''}`),
);

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const auth = createDashboardAuth(opts.dashboardToken);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: LIMITS.bodyBytes,
    createContext: ({ req }) => ({
      db: opts.db,
      verdicts: opts.verdicts,
      alerting: opts.alerting,
      rateLimiter: opts.rateLimiter,
      authorization: req.headers.authorization ?? null,
      dashboardMayChange: () => auth.mayChange(req),
    }),
    responseMeta({ errors }) {
      const limited = errors.find((e) => e.cause instanceof RateLimitedError);
      if (limited) return { headers: { 'retry-after': String(Math.ceil((limited.cause as RateLimitedError).retryAfterSeconds)) } };
      if (errors.some((e) => e.cause instanceof DatabaseUnavailableError)) return { headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
      return {};
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`lrscope: ${path ?? '?'} failed (internal error ${errorReference(error)}):`, error.cause ?? error);
      else if (error.cause instanceof DatabaseUnavailableError) logUnavailable(`${path ?? '?'}: ${error.cause.message}`);
    },
  });

  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(BASE_HEADERS)) res.setHeader(k, v);
    const url = req.url ?? '/';
    if (url.startsWith('/api/trpc/')) {
      const dashboardCall = proceduresOf(url).some((p) => !INGEST_PROCEDURES.has(p));
      if (dashboardCall && !auth.allows(req)) {
        return json(res, 401, { error: { message: 'this dashboard needs its token: sign in at /login, or send Authorization: Bearer <LRSCOPE_DASHBOARD_TOKEN>', data: { code: 'UNAUTHORIZED', httpStatus: 401 } } });
      }
      // Every procedure takes JSON. tRPC would also parse FormData and octet-streams (for file
      // uploads) and then fail on the fields, which reads as if the JSON were wrong.
      if (req.method === 'POST' && !isJson(req.headers['content-type'])) {
        const got = req.headers['content-type'] ? `got "${req.headers['content-type']}"` : 'none was sent';
        return json(res, 415, { error: { message: `send the body as JSON with Content-Type: application/json (${got})`, data: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 } } });
      }
      return trpc(req, res);
    }
    if (isExportUrl(url)) {
      return void serveExport(req, res, opts.db, auth).catch((err) => {
        console.error(`lrscope: ${url.split('?')[0]} failed:`, err);
        if (!res.headersSent) json(res, 500, { error: { message: "internal error: the server's log has the details" } });
        else res.destroy();
      });
    }
    if (url === '/healthz') return json(res, 200, { ok: true, database: opts.db.provider });
    if (url === '/login' || url.startsWith('/login?')) return auth.login(req, res);
    if (!opts.pages) return json(res, 404, { error: { message: `no route ${url.split('?')[0]}: this server is API-only (/api/trpc/...)` } });
    if (!url.startsWith('/_next/static/') && !auth.allows(req)) {
      res.writeHead(302, { location: '/login' }).end();
      return;
    }
    if (opts.csp) res.setHeader('content-security-policy', opts.csp);
    return void opts.pages(req, res);
  });
  // Trainers keep connections alive between batches.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
