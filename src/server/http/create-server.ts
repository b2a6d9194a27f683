// One Node HTTP server: tRPC under /api/trpc, a health check, and (unless API-only) the
// Next.js pages for everything else. Every request passes the same gates in order, each a small
// module: the target is parsed (request-target), the Host and Origin checked (host-guard), then
// procedures are checked for credentials, rate and body (below) before tRPC sees them, and pages
// for a session (dashboard-auth).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { HostAllowlist } from '@/lib/net/allowed-hosts';
import { jsonTextDepth } from '@/lib/json/json-depth';
import type { Alerting } from '../alerts/alerting';
import { LIMITS } from '../api/limits';
import { appRouter } from '../api/root';
import { DatabaseUnavailableError, errorReference, RateLimitedError } from '../api/trpc';
import { logAtMostEvery } from '../log-at-most-every';
import type { Db } from '../db/open-database';
import type { RunVerdicts } from '../runs/run-verdicts';
import { compressJsonReplies } from './compress-json';
import { clientAddress, createDashboardAuth } from './dashboard-auth';
import { createDashboardSessions } from './dashboard-sessions';
import { isExportUrl, serveExport } from './export-routes';
import { createFailureThrottle } from './failure-throttle';
import { createHostGuard } from './host-guard';
import { createLiveFeedSlots, type FeedLimits } from './live-feed-slots';
import { liveTurns } from '../live/fair-turns';
import { INGEST_PROCEDURES, isLiveFeed, isRead, LARGE_BODY_PROCEDURES } from './procedure-kinds';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { BodyRefusedError, readJsonBody } from './read-json-body';
import { replyError, replyJson } from './reply';
import { BadTargetError, requestTarget } from './request-target';
import { servePythonClient } from './python-client';
import { type ShareJson, sharedJsonStream, unshared } from './shared-json-stream';

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
  publicUrl: string;
  allowedHosts: HostAllowlist;
  liveFeeds: FeedLimits;
  readRequestsPerSecond: number;
  requestTimeoutMs: number;
  /** Where files shipped by `python -m lrscope watch` are copied (sources.append). */
  watchDir: string;
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
const { smallBodyBytes: SMALL_BODY_BYTES, bodyDepth: BODY_DEPTH, batchSize: MAX_BATCH } = LIMITS;
const HEADERS_TIMEOUT_MS = 20_000;

// An outage fails every request; one line per few seconds says so without flooding the log.
const logUnavailable = logAtMostEvery(5_000, (line: string, suppressed: number) =>
  console.error(`lrscope: ${line}${suppressed ? ` (and ${suppressed} more failures since the last report)` : ''}`),
);

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const auth = createDashboardAuth({
    token: opts.dashboardToken,
    sessions: createDashboardSessions(opts.db.prisma, opts.dashboardToken),
    loginFailures: createFailureThrottle({ burst: 5, perSecond: 0.1 }),
    publicUrl: opts.publicUrl,
  });
  const hostGuard = createHostGuard(opts.allowedHosts, opts.publicUrl);
  const feeds = createLiveFeedSlots(opts.liveFeeds);
  const reads = createRateLimiter({ requestsPerSecond: opts.readRequestsPerSecond, pointsPerSecond: 1, burstSeconds: 5 });
  const keyFailures = createFailureThrottle({ burst: 20, perSecond: 1 });
  const sharedJson = new WeakMap<http.ServerResponse, ShareJson>();
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: LIMITS.bodyBytes,
    maxBatchSize: MAX_BATCH,
    createContext: ({ req, res }) => {
      let change: Promise<boolean> | undefined;
      return {
        db: opts.db,
        verdicts: opts.verdicts,
        alerting: opts.alerting,
        rateLimiter: opts.rateLimiter,
        authorization: req.headers.authorization ?? null,
        client: clientAddress(req),
        keyFailures,
        dashboardMayChange: () => (change ??= auth.mayChange(req)),
        watchDir: opts.watchDir,
        shareJson: sharedJson.get(res) ?? unshared,
      };
    },
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

  async function procedures(req: http.IncomingMessage, res: http.ServerResponse, names: string[], search: string) {
    // Live feeds wait while a trainer's request is being served (fair-turns.ts).
    if (names.some((n) => INGEST_PROCEDURES.has(n))) res.once('close', liveTurns.hold());
    const refused = hostGuard.refuse(req, 'procedure');
    if (refused) return replyError(res, 403, 'FORBIDDEN', refused);
    if (names.length > MAX_BATCH) return replyError(res, 400, 'BAD_REQUEST', `a batch may call at most ${MAX_BATCH} procedures (got ${names.length})`);
    const readsOnly = names.filter(isRead);
    if (readsOnly.length > 0) {
      if (!(await auth.mayRead(req))) {
        return replyError(res, 401, 'UNAUTHORIZED', 'this dashboard needs its token: sign in at /login, or send Authorization: Bearer <LRSCOPE_DASHBOARD_TOKEN>');
      }
      if (readLimited(req, res)) return;
    }
    if (names.some(isLiveFeed)) {
      const full = feeds.take(clientAddress(req), res);
      if (full) return replyError(res, 429, 'TOO_MANY_REQUESTS', full, { 'retry-after': '5' });
      sharedJson.set(res, sharedJsonStream(res));
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const input = new URLSearchParams(search).get('input');
      if (input !== null && !jsonTextDepth(input, BODY_DEPTH).ok) return replyError(res, 400, 'BAD_REQUEST', `input nests deeper than ${BODY_DEPTH} levels`);
      compressJsonReplies(req, res);
      return trpc(req, res);
    }
    // Every procedure takes JSON. tRPC would also parse FormData and octet-streams (for file
    // uploads) and then fail on the fields, which reads as if the JSON were wrong.
    if (!isJson(req.headers['content-type'])) {
      const got = req.headers['content-type'] ? `got "${req.headers['content-type'].slice(0, 100)}"` : 'none was sent';
      req.resume();
      return replyError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `send the body as JSON with Content-Type: application/json (${got})`);
    }
    const large = names.length > 0 && names.every((n) => LARGE_BODY_PROCEDURES.has(n));
    try {
      (req as http.IncomingMessage & { body?: string }).body = await readJsonBody(req, { maxBytes: large ? LIMITS.bodyBytes : SMALL_BODY_BYTES, maxDepth: BODY_DEPTH });
    } catch (err) {
      // The rest of the body is discarded as it arrives (Node drains an unread request), so the
      // client can finish sending and read the refusal.
      if (err instanceof BodyRefusedError) return replyError(res, err.status, err.code, err.message);
      throw err;
    }
    compressJsonReplies(req, res);
    return trpc(req, res);
  }

  /** Takes a read from the client's allowance; when it has none left, replies 429 and says so. */
  function readLimited(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const wait = reads.take(clientAddress(req), 0);
    if (wait <= 0) return false;
    replyError(res, 429, 'TOO_MANY_REQUESTS', `read rate limit for this address exceeded (LRSCOPE_READ_RATE_LIMIT_RPS); retry in ${wait.toFixed(1)} s`, { 'retry-after': String(Math.ceil(wait)) });
    return true;
  }

  async function pages(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    const refused = hostGuard.refuse(req, 'page');
    if (refused) return replyError(res, 403, 'FORBIDDEN', refused);
    if (pathname === '/login') return auth.login(req, res);
    if (pathname === '/logout') return auth.logout(req, res);
    if (!opts.pages) return replyError(res, 404, 'NOT_FOUND', `no route ${pathname}: this server is API-only (/api/trpc/...)`);
    if (!pathname.startsWith('/_next/static/')) {
      if (!(await auth.admitPage(req, res))) return;
      // A page is rendered with its first view's data read in process (page-reads.ts): a read.
      if (readLimited(req, res)) return;
    }
    if (opts.csp) res.setHeader('content-security-policy', opts.csp);
    return opts.pages(req, res);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    for (const [k, v] of Object.entries(BASE_HEADERS)) res.setHeader(k, v);
    let target;
    try {
      target = requestTarget(req.url ?? '/');
    } catch (err) {
      if (err instanceof BadTargetError) return replyError(res, 400, 'BAD_REQUEST', err.message);
      throw err;
    }
    // Later handlers (Next's router above all) see the normalised path the checks saw.
    req.url = target.pathname + target.search;
    if (target.pathname === '/healthz') return replyJson(res, 200, { ok: true, database: opts.db.provider });
    if (target.procedures) return procedures(req, res, target.procedures, target.search);
    // CSV downloads: reads, with their own credential check (see export-routes.ts).
    if (isExportUrl(target.pathname)) {
      const refused = hostGuard.refuse(req, 'page');
      return refused ? replyError(res, 403, 'FORBIDDEN', refused) : serveExport(req, res, opts.db, auth);
    }
    // The Python client, for `pip install` on training machines: public code, no token needed.
    if (target.pathname.startsWith('/python/')) {
      const refused = hostGuard.refuse(req, 'page');
      return refused ? replyError(res, 403, 'FORBIDDEN', refused) : servePythonClient(req, res);
    }
    return pages(req, res, target.pathname);
  }

  // Timeouts are checked every second (Node's default: every 30 s).
  const server = http.createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    handle(req, res).catch((err) => {
      console.error(`lrscope: ${req.method} ${String(req.url).slice(0, 200)} failed:`, err);
      replyError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal error: the server\'s log has the details');
    });
  });
  // Trainers keep connections alive between batches.
  server.keepAliveTimeout = 65_000;
  // A client that sends its request slowly is cut off instead of holding a connection for minutes.
  server.requestTimeout = opts.requestTimeoutMs;
  server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, opts.requestTimeoutMs);

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
