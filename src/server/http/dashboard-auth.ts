// Optional protection of the dashboard (pages and read procedures) by one shared token:
// `Authorization: Bearer <token>` for scripts, or a session cookie after /login for browsers.
// Ingest procedures keep using project API keys.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

// These check their own credential (a project API key, or the dashboard for the changes that accept it).
export const INGEST_PROCEDURES = new Set(['runs.create', 'runs.log', 'runs.update', 'runs.finish', 'runs.archive', 'runs.delete', 'projects.setRetention']);
const COOKIE = 'lrscope_session';
/** Sent by the dashboard's own client. A page on another site cannot add it: a custom header needs a CORS preflight this server never grants. */
export const DASHBOARD_HEADER = 'x-lrscope-dashboard';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The procedures a tRPC URL calls (batched calls name several, comma-separated). */
export function proceduresOf(url: string): string[] {
  const path = url.split('?')[0].replace(/^\/api\/trpc\//, '');
  return decodeURIComponent(path).split(',').filter(Boolean);
}

export interface DashboardAuth {
  enabled: boolean;
  /** Whether the request may see the dashboard. */
  allows(req: http.IncomingMessage): boolean;
  /** Whether the request is the dashboard changing something: the token itself, or the dashboard's header from a browser it admits. */
  mayChange(req: http.IncomingMessage): Promise<boolean>;
  /** GET shows the form; POST checks the token and sets the session cookie. */
  login(req: http.IncomingMessage, res: http.ServerResponse): void;
}

// The sign-in form is one static page with inline styles and no script: nothing else may load.
const LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function createDashboardAuth(token: string | undefined): DashboardAuth {
  if (!token) {
    return { enabled: false, allows: () => true, mayChange: async (req) => req.headers[DASHBOARD_HEADER] !== undefined, login: (_req, res) => void res.writeHead(302, { location: '/' }).end() };
  }
  // The cookie holds a MAC of the token, not the token itself.
  const session = createHmac('sha256', token).update('lrscope dashboard session').digest('hex');
  const form = (error = '') =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lrscope — sign in</title><meta name="viewport" content="width=device-width"></head>` +
    `<body style="font-family:system-ui;max-width:22rem;margin:5rem auto"><h1>lrscope</h1>` +
    `<form method="post" action="/login"><label for="token">Dashboard token</label><br><input id="token" name="token" type="password" autocomplete="current-password" autofocus required style="width:100%;padding:.4rem">` +
    `${error ? `<p role="alert" style="color:#b00020">${error}</p>` : ''}<p><button type="submit">Sign in</button></p></form></body></html>`;
  const hasToken = (req: http.IncomingMessage) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return bearer !== undefined && equal(bearer, token);
  };
  const hasSession = (req: http.IncomingMessage) => {
    const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([k]) => k === COOKIE)?.[1];
    return cookie !== undefined && equal(cookie, session);
  };
  return {
    enabled: true,
    allows: (req) => hasToken(req) || hasSession(req),
    mayChange: async (req) => hasToken(req) || (req.headers[DASHBOARD_HEADER] !== undefined && hasSession(req)),
    login(req, res) {
      if (req.method !== 'POST') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LOGIN_CSP }).end(form());
        return;
      }
      let body = '';
      req.on('data', (d) => {
        body += d;
        if (body.length > 10_000) req.destroy();
      });
      req.on('end', () => {
        const given = new URLSearchParams(body).get('token') ?? '';
        if (!equal(given, token)) {
          res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LOGIN_CSP }).end(form('That token is not right.'));
          return;
        }
        res.writeHead(303, { location: '/', 'set-cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000` }).end();
      });
    },
  };
}
