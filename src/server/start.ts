// Start-up in order: configuration, database (migrations), default project, HTTP.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostAllowlist } from '@/lib/net/allowed-hosts';
import type { Config } from './config';
import { redactUrl } from './config';
import { type Db, openDatabase } from './db/open-database';
import { createServer, type PageHandler, type RunningServer } from './http/create-server';
import { createRateLimiter } from './http/rate-limit';
import { ensureDefaultProject } from './keys/ensure-default-project';
import { createAlerting } from './alerts/alerting';
import { guardedFetch, webhookTargetPolicy } from './alerts/guarded-fetch';
import { createRunVerdicts } from './runs/run-verdicts';
import { providePageData } from './page-data';
import { pageDataFor } from './page-reads';
import { DEFAULT_LOGDIR, type LogdirOptions, startLogdirs } from './logdir/logdir-service';

export interface StartOptions {
  config: Config;
  /** 'dev' compiles pages on demand, 'production' serves `next build` output, 'none' is API-only. */
  pages: 'dev' | 'production' | 'none';
  log?: (line: string) => void;
  /** Log directories to follow (--logdir), and where files shipped by `python -m lrscope watch` go. */
  logdir?: LogdirOptions;
}

export interface Started {
  db: Db;
  server: RunningServer;
  stop(): Promise<void>;
}

// Next inlines its bootstrap scripts and styles; everything else comes from this origin.
const PAGE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

// A no-op unless a verdict update failed, so it can run often.
const VERDICT_RETRY_MS = 2_000;

/** What anyone who can reach the port may do when the dashboard has no token. */
export function openBeyondLoopbackWarning(host: string): string {
  return (
    `lrscope: WARNING: listening on ${host} without LRSCOPE_DASHBOARD_TOKEN: anyone who can reach this port can read every run, ` +
    `its config and alerts, open the dashboard, and from it acknowledge alerts, change alert rules, add or remove webhooks, send test alerts, ` +
    `edit, archive or delete runs and change retention. Logging to runs still needs an API key. Set LRSCOPE_DASHBOARD_TOKEN to require sign-in for all of that.`
  );
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function nextHandler(mode: 'dev' | 'production', config: Config): Promise<PageHandler> {
  const { default: next } = await import('next');
  const app = next({ dev: mode === 'dev', dir: ROOT, hostname: config.host, port: config.port });
  await app.prepare();
  return app.getRequestHandler();
}

export async function start({ config, pages, log = console.log, logdir }: StartOptions): Promise<Started> {
  const db = await openDatabase(config);
  for (const name of db.migrated) log(`lrscope: applied migration ${name}`);
  const first = await ensureDefaultProject(db.prisma);
  if (first) {
    log(`lrscope: created project "${first.project.name}" with API key ${first.key}`);
    log('lrscope: keep this key; it is shown once (more keys: npx lrscope keys create --project NAME)');
  }
  const handler = pages === 'none' ? undefined : await nextHandler(pages, config);
  const alerting = createAlerting(db, {
    settings: { publicUrl: config.publicUrl, webhookUrl: config.webhookUrl, webhookSecret: config.webhookSecret },
    sweepMs: config.stallSweepMs,
    fetch: guardedFetch(webhookTargetPolicy(config.webhookAllowedTargets)),
  });
  const verdicts = createRunVerdicts(db);
  // Beside the SQLite file, so each database has its own copy of what training hosts ship.
  const watchDir = logdir?.watchDir ?? path.join(config.sqlitePath ? path.dirname(config.sqlitePath) : path.resolve('data'), 'watched');
  const rateLimiter = createRateLimiter(config.rateLimits);
  providePageData(pageDataFor(db.prisma, { db, verdicts, alerting, rateLimiter, watchDir }));
  const server = await createServer({
    watchDir,
    db,
    verdicts,
    alerting,
    rateLimiter,
    host: config.host,
    port: config.port,
    dashboardToken: config.dashboardToken,
    pages: handler,
    csp: pages === 'production' ? PAGE_CSP : undefined,
    publicUrl: config.publicUrl,
    // This machine's own name is one a rebinding page cannot use; trainers often post to it.
    allowedHosts: hostAllowlist([new URL(config.publicUrl).hostname, os.hostname(), ...config.allowedHosts]),
    liveFeeds: config.liveFeeds,
    readRequestsPerSecond: config.readRequestsPerSecond,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  alerting.start();
  // Verdicts whose update failed after their batch committed (the database went away).
  const retryVerdicts = setInterval(() => void verdicts.retryFailed(), VERDICT_RETRY_MS);
  retryVerdicts.unref();
  log(`lrscope: listening on ${server.url} (${config.provider}: ${redactUrl(config.databaseUrl)})`);
  if (!isLoopback(config.host) && !config.dashboardToken) log(openBeyondLoopbackWarning(config.host));
  const logdirs = await startLogdirs({ db, verdicts, alerting }, { ...(logdir ?? DEFAULT_LOGDIR), watchDir }, log);
  return {
    db,
    server,
    stop: async () => {
      await logdirs.stop();
      clearInterval(retryVerdicts);
      await alerting.stop();
      await server.close();
      await db.close();
    },
  };
}
