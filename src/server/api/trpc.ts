// tRPC in three parts: the context, the initialisation (error formatting), the procedures.
import { randomBytes } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Db } from '../db/open-database';
import type { Alerting } from '../alerts/alerting';
import type { ChangeScope } from '../alerts/scope';
import type { FailureThrottle } from '../http/failure-throttle';
import type { RateLimiter } from '../http/rate-limit';
import type { RunVerdicts } from '../runs/run-verdicts';
import { type DatabaseUnavailable, databaseUnavailable, unavailableMessage } from '../db/database-unavailable';
import { AppError } from '../errors';
import { authenticate } from '../keys/authenticate';
import { formatPath, formatZodIssues } from './zod-messages';
import type { ShareJson } from '../http/shared-json-stream';

// 1. Context: what every procedure can reach. Built per request by the HTTP adapter.
export interface Context {
  db: Db;
  verdicts: RunVerdicts;
  alerting: Alerting;
  rateLimiter: RateLimiter;
  authorization: string | null;
  /** The client's address, for per-client throttles. */
  client: string;
  /** Wrong API keys, per client address. */
  keyFailures: FailureThrottle;
  /** Whether this request is the signed-in dashboard (see dashboard-auth.ts). */
  dashboardMayChange: () => Promise<boolean>;
  /** Where log files shipped by `python -m lrscope watch` are copied, and followed from. */
  watchDir: string;
  /** On a live feed's stream: puts a value into an event serialised once for every stream. */
  shareJson: ShareJson;
}

/** Carries the wait to the Retry-After header. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limit for this API key exceeded; retry in ${retryAfterSeconds.toFixed(1)} s`);
  }
}

const references = new WeakMap<Error, string>();

/** A short id tying an internal error's reply to its log line. */
export function errorReference(error: Error): string {
  let ref = references.get(error);
  if (!ref) references.set(error, (ref = randomBytes(4).toString('hex')));
  return ref;
}

/** Carries the reason to the log line; the driver error itself is not logged per request. */
export class DatabaseUnavailableError extends Error {
  constructor(readonly unavailable: DatabaseUnavailable) {
    super(`database ${unavailable.reason}: ${unavailable.detail}`);
  }
}

// 2. Initialisation. Clients (curl, the Python client) get one readable message naming the
// field and the rule (zod-messages.ts).
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    // A bug's message names files, queries and driver internals: the reply gets a reference to
    // the log line that has them (create-server.ts logs it), not the internals themselves.
    const message = zod ? formatZodIssues(zod.issues) : error.code === 'INTERNAL_SERVER_ERROR' ? `internal error ${errorReference(error)}: the server's log has the details` : shape.message;
    return {
      ...shape,
      message,
      data: { ...shape.data, stack: undefined, issues: zod ? zod.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) : undefined },
    };
  },
});

// Services throw AppError; this maps it to the HTTP status its code stands for. A database that
// cannot serve (connection lost, read-only, disk full) is a 503 saying so, not a 500.
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const { cause } = result.error;
  if (cause instanceof AppError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  const down = result.error.code === 'INTERNAL_SERVER_ERROR' ? databaseUnavailable(cause ?? result.error) : null;
  if (down) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailableMessage(down), cause: new DatabaseUnavailableError(down) });
  return result;
});

// 3. Procedures.
export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Reads: open (the dashboard uses them). */
export const publicProcedure = t.procedure.use(appErrors);

function tooMany(wait: number): TRPCError {
  const cause = new RateLimitedError(wait);
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause });
}

/** The API key's project; a client that keeps sending wrong keys is refused for a while before they are checked. */
async function requireKey(ctx: Context) {
  const wait = ctx.keyFailures.waitFor(ctx.client);
  if (wait > 0) throw tooMany(wait);
  const principal = await authenticate(ctx.db, ctx.authorization);
  if (principal) return principal;
  if (ctx.authorization) ctx.keyFailures.fail(ctx.client);
  throw new TRPCError({
    code: 'UNAUTHORIZED',
    message: ctx.authorization ? 'API key not recognised (wrong, or revoked)' : 'missing API key: send Authorization: Bearer <key> (lrscope keys create --project NAME)',
  });
}

/** Run writes: need `Authorization: Bearer <project API key>`. */
export const ingestProcedure = publicProcedure.use(async ({ ctx, next, getRawInput }) => {
  const principal = await requireKey(ctx);
  const raw = (await getRawInput()) as { points?: unknown } | undefined;
  const wait = ctx.rateLimiter.take(principal.keyId, Array.isArray(raw?.points) ? raw.points.length : 0);
  if (wait > 0) throw tooMany(wait);
  return next({ ctx: { principal } });
});

/**
 * Changes made from the dashboard or by a script (alert settings, run edits, archive, delete,
 * retention): the signed-in dashboard (every project), or a project API key (its own project
 * only: services check `scope`). Never open, not even on loopback.
 */
export const changeProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (await ctx.dashboardMayChange()) return next({ ctx: { scope: null as ChangeScope } });
  if (!ctx.authorization) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'this change needs a project API key (Authorization: Bearer <key>) or the dashboard itself (a session from its pages, after /login when LRSCOPE_DASHBOARD_TOKEN is set)' });
  }
  const principal = await requireKey(ctx);
  return next({ ctx: { scope: { projectId: principal.projectId, projectName: principal.projectName } as ChangeScope } });
});
