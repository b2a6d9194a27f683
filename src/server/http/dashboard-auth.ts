// Who may use the dashboard. With LRSCOPE_DASHBOARD_TOKEN set, pages and reads need the token:
// `Authorization: Bearer <token>` for scripts, or a session after /login for browsers. Without
// it, reads are open and every page load opens a session by itself. Either way a change made by
// the dashboard (alert settings) needs the session cookie plus the X-Lrscope-Dashboard header
// the dashboard's own client sends: the cookie is SameSite=Strict and HttpOnly, and a header on
// a cross-origin request needs a CORS preflight this server never grants, so a page elsewhere
// can neither send the cookie nor add the header. Ingest procedures use project API keys.
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { SESSION_DAYS, type DashboardSessions } from './dashboard-sessions';
import type { FailureThrottle } from './failure-throttle';
import { readJsonBody } from './read-json-body';
import { replyError } from './reply';

export const SESSION_COOKIE = 'lrscope_session';
export const DASHBOARD_HEADER = 'x-lrscope-dashboard';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function clientAddress(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export interface DashboardAuth {
  tokenSet: boolean;
  /** Whether the request may see pages and call reads. */
  mayRead(req: http.IncomingMessage): Promise<boolean>;
  /** Whether the request is the dashboard changing something: the token, or a session plus the dashboard's header. */
  mayChange(req: http.IncomingMessage): Promise<boolean>;
  /** Before a page: true to serve it; false when a redirect (or a self-reload) was sent instead. */
  admitPage(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
  /** GET shows the form; POST checks the token and opens a session. */
  login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  /** GET shows a sign-out button; POST ends the session. */
  logout(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export interface DashboardAuthOptions {
  token: string | undefined;
  sessions: DashboardSessions;
  /** Wrong tokens, per client address. */
  loginFailures: FailureThrottle;
  /** Cookies get Secure when the dashboard is served over https (LRSCOPE_PUBLIC_URL https://...). */
  publicUrl: string;
}

// The sign-in form is one static page with inline styles and no script: nothing else may load.
const FORM_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lrscope — ${title}</title><meta name="viewport" content="width=device-width"></head>` +
    `<body style="font-family:system-ui;max-width:22rem;margin:5rem auto"><h1>lrscope</h1>${body}</body></html>`
  );
}

const loginForm = (error = '') =>
  page(
    'sign in',
    `<form method="post" action="/login"><label for="token">Dashboard token</label><br><input id="token" name="token" type="password" autocomplete="current-password" autofocus required style="width:100%;padding:.4rem">` +
      `${error ? `<p role="alert" style="color:#b00020">${error}</p>` : ''}<p><button type="submit">Sign in</button></p></form>`,
  );
const logoutForm = page('sign out', `<form method="post" action="/logout"><p><button type="submit">Sign out</button></p></form>`);
// A navigation from another site arrives without the SameSite=Strict cookie; reloading from
// here makes it a same-site request, which carries it.
const RELOAD = page('opening', `<meta http-equiv="refresh" content="0"><p>Opening…</p>`);

function html(res: http.ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': FORM_CSP, 'cache-control': 'no-store' }).end(body);
}

export function createDashboardAuth(opts: DashboardAuthOptions): DashboardAuth {
  const { token, sessions } = opts;
  const cookieOf = (req: http.IncomingMessage) =>
    (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === SESSION_COOKIE)?.[1];
  const bearer = (req: http.IncomingMessage) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const hasToken = (req: http.IncomingMessage) => {
    const b = bearer(req);
    return token !== undefined && b !== undefined && equal(b, token);
  };
  const hasSession = async (req: http.IncomingMessage) => {
    const c = cookieOf(req);
    return c !== undefined && (await sessions.isOpen(c));
  };
  const secure = (req: http.IncomingMessage) => opts.publicUrl.startsWith('https:') || req.headers['x-forwarded-proto'] === 'https' || (req.socket as TLSSocket).encrypted === true;
  const cookie = (req: http.IncomingMessage, value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure(req) ? '; Secure' : ''}`;
  const openSession = async (req: http.IncomingMessage) => cookie(req, await sessions.open(), SESSION_DAYS * 86_400);

  return {
    tokenSet: token !== undefined,
    async mayRead(req) {
      return token === undefined || hasToken(req) || (await hasSession(req));
    },
    async mayChange(req) {
      return hasToken(req) || (req.headers[DASHBOARD_HEADER] !== undefined && (await hasSession(req)));
    },
    async admitPage(req, res) {
      if (hasToken(req) || (await hasSession(req))) return true;
      const site = req.headers['sec-fetch-site'];
      if (req.method === 'GET' && (site === 'cross-site' || site === 'same-site')) {
        html(res, 200, RELOAD);
        return false;
      }
      if (token !== undefined) {
        res.writeHead(302, { location: '/login' }).end();
        return false;
      }
      res.setHeader('set-cookie', await openSession(req));
      return true;
    },
    async login(req, res) {
      if (token === undefined) return void res.writeHead(302, { location: '/' }).end();
      if (req.method !== 'POST') return html(res, 200, loginForm());
      const wait = opts.loginFailures.waitFor(clientAddress(req));
      if (wait > 0) {
        req.resume();
        return replyError(res, 429, 'TOO_MANY_REQUESTS', `too many wrong tokens from this address; try again in ${Math.ceil(wait)} s`, { 'retry-after': String(Math.ceil(wait)) });
      }
      const body = await readJsonBody(req, { maxBytes: 10_000, maxDepth: Number.POSITIVE_INFINITY }).catch(() => '');
      const given = new URLSearchParams(body).get('token') ?? '';
      if (!equal(given, token)) {
        opts.loginFailures.fail(clientAddress(req));
        return html(res, 401, loginForm('That token is not right.'));
      }
      res.writeHead(303, { location: '/', 'set-cookie': await openSession(req) }).end();
    },
    async logout(req, res) {
      if (req.method !== 'POST') return html(res, 200, logoutForm);
      req.resume();
      const c = cookieOf(req);
      if (c !== undefined) await sessions.close(c);
      res.writeHead(303, { location: token === undefined ? '/' : '/login', 'set-cookie': cookie(req, '', 0) }).end();
    },
  };
}
