// Environment, validated once at start-up. The server and the CLI read the same variables so
// `lrscope keys create` writes to the database the server uses.
import path from 'node:path';
import { z } from 'zod';
import { validHostEntry } from '@/lib/net/allowed-hosts';
import { parseNetwork } from '@/lib/net/ip-address';
import type { FeedLimits } from './http/live-feed-slots';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './http/rate-limit';

export type DatabaseProvider = 'sqlite' | 'postgres';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  provider: DatabaseProvider;
  /** Absolute path of the SQLite file (sqlite only). */
  sqlitePath?: string;
  /** Base URL of links in notifications. */
  publicUrl: string;
  /** Default webhook for every project, and the secret that signs its bodies. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** How often the stall sweep runs. */
  stallSweepMs: number;
  /** When set, pages and read procedures need it (cookie after /login, or Authorization: Bearer). */
  dashboardToken?: string;
  rateLimits: RateLimits;
  /** Host names answered besides loopback names, IP literals, this machine's name and publicUrl's host ("*.x.org", "*" for any). */
  allowedHosts: string[];
  /** Addresses, CIDR ranges and host names webhooks may reach although private or loopback. */
  webhookAllowedTargets: string[];
  liveFeeds: FeedLimits;
  /** Read requests per second per client address. */
  readRequestsPerSecond: number;
  /** How long a client may take to send one whole request. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIVE_FEEDS: FeedLimits = { total: 1000, perClient: 100 };
export const DEFAULT_READ_RPS = 200;

function list(what: string, valid: (entry: string) => boolean) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      const entries = (v ?? '').split(',').map((e) => e.trim()).filter(Boolean);
      const bad = entries.filter((e) => !valid(e));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${what}; not one: "${bad[0]}"` });
        return z.NEVER;
      }
      return entries;
    });
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_DATABASE_URL = 'file:./data/lrscope.db';

function positiveNumber(what: string, fallback: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!(n > 0 && Number.isFinite(n))) {
        ctx.addIssue({ code: 'custom', message: `must be a positive number of ${what}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });
}

const envSchema = z.object({
  PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 3000;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from 0 to 65535, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  HOST: z.string().optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const url = v === undefined || v === '' ? DEFAULT_DATABASE_URL : v;
      if (!/^(file:|postgres(ql)?:\/\/)/.test(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a file: URL (SQLite, e.g. ${DEFAULT_DATABASE_URL}) or a postgresql:// URL, got "${redactUrl(url)}"`,
        });
        return z.NEVER;
      }
      if (url.startsWith('file:') && url.slice('file:'.length).trim() === '') {
        ctx.addIssue({ code: 'custom', message: 'file: URL has no path' });
        return z.NEVER;
      }
      return url;
    }),
  LRSCOPE_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://lrscope.example.com' }).optional(),
  LRSCOPE_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  LRSCOPE_WEBHOOK_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  LRSCOPE_DASHBOARD_TOKEN: z.string().min(12, 'must be at least 12 characters').optional(),
  LRSCOPE_RATE_LIMIT_RPS: positiveNumber('requests per second per API key', DEFAULT_RATE_LIMITS.requestsPerSecond),
  LRSCOPE_RATE_LIMIT_POINTS: positiveNumber('points per second per API key', DEFAULT_RATE_LIMITS.pointsPerSecond),
  LRSCOPE_ALLOWED_HOSTS: list('host names ("lrscope.example.com", "*.example.com", or "*" for any)', validHostEntry),
  LRSCOPE_WEBHOOK_ALLOWED_TARGETS: list('addresses, CIDR ranges or host names ("10.0.0.0/8", "hooks.internal")', (e) => parseNetwork(e) !== null || /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(e)),
  LRSCOPE_LIVE_FEEDS_MAX: positiveNumber('open live feeds in total', DEFAULT_LIVE_FEEDS.total),
  LRSCOPE_LIVE_FEEDS_PER_CLIENT: positiveNumber('open live feeds per client address', DEFAULT_LIVE_FEEDS.perClient),
  LRSCOPE_READ_RATE_LIMIT_RPS: positiveNumber('read requests per second per client address', DEFAULT_READ_RPS),
  LRSCOPE_REQUEST_TIMEOUT_SECONDS: positiveNumber('seconds a client may take to send a request', 60),
  LRSCOPE_STALL_SWEEP_SECONDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 15;
      const n = Number(v);
      if (!(n > 0 && n <= 3600)) {
        ctx.addIssue({ code: 'custom', message: `must be a number of seconds in (0, 3600], got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
});

/** Hides a password in a connection URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const d = parsed.data;
  const { PORT, HOST, DATABASE_URL, LRSCOPE_PUBLIC_URL, LRSCOPE_WEBHOOK_URL, LRSCOPE_WEBHOOK_SECRET, LRSCOPE_STALL_SWEEP_SECONDS } = d;
  if (LRSCOPE_WEBHOOK_URL && !LRSCOPE_WEBHOOK_SECRET) {
    throw new ConfigError(['LRSCOPE_WEBHOOK_SECRET: required with LRSCOPE_WEBHOOK_URL, so receivers can verify X-Lrscope-Signature']);
  }
  const provider: DatabaseProvider = DATABASE_URL.startsWith('file:') ? 'sqlite' : 'postgres';
  const host = HOST || '127.0.0.1';
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const config: Config = {
    port: PORT,
    host,
    databaseUrl: DATABASE_URL,
    provider,
    publicUrl: (LRSCOPE_PUBLIC_URL ?? `http://${shown}:${PORT}`).replace(/\/$/, ''),
    webhookUrl: LRSCOPE_WEBHOOK_URL,
    webhookSecret: LRSCOPE_WEBHOOK_SECRET,
    stallSweepMs: LRSCOPE_STALL_SWEEP_SECONDS * 1000,
    dashboardToken: d.LRSCOPE_DASHBOARD_TOKEN,
    rateLimits: { ...DEFAULT_RATE_LIMITS, requestsPerSecond: d.LRSCOPE_RATE_LIMIT_RPS, pointsPerSecond: d.LRSCOPE_RATE_LIMIT_POINTS },
    allowedHosts: d.LRSCOPE_ALLOWED_HOSTS,
    webhookAllowedTargets: d.LRSCOPE_WEBHOOK_ALLOWED_TARGETS,
    liveFeeds: { total: Math.floor(d.LRSCOPE_LIVE_FEEDS_MAX), perClient: Math.floor(d.LRSCOPE_LIVE_FEEDS_PER_CLIENT) },
    readRequestsPerSecond: d.LRSCOPE_READ_RATE_LIMIT_RPS,
    requestTimeoutMs: d.LRSCOPE_REQUEST_TIMEOUT_SECONDS * 1000,
  };
  if (provider === 'sqlite') config.sqlitePath = path.resolve(cwd, DATABASE_URL.slice('file:'.length));
  return config;
}
