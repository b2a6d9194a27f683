// The hardening suite: against the real server process (SQLite, and PostgreSQL in the
// api-postgres project), what one request, a web page elsewhere, or a careless client can no
// longer do. Each describe names the defence; fuzz-requests.test.ts is the generated breadth and
// test/e2e/rebinding.test.ts the same Host check seen from a real browser.
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/api/limits';
import { ensureNextBuild } from '../helpers/next-build';
import { healthy, rawRequest } from '../helpers/raw-http';
import { ROOT, type TestServer, openFeed, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';
import { startReceiver } from '../helpers/webhook-receiver';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
});
async function serve(opts: Parameters<typeof startServer>[0] = {}) {
  const s = await startServer(opts);
  servers.push(s);
  return s;
}
function projectKey(server: TestServer, project: string): string {
  const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', project], { cwd: ROOT, env: { ...process.env, DATABASE_URL: server.databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
/** The same process answers: it neither died nor was restarted. */
async function stillUp(server: TestServer, pid: number) {
  expect(await healthy(server.url)).toBe(true);
  expect(server.pid).toBe(pid);
  expect(() => process.kill(pid, 0)).not.toThrow();
}
const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });
const CHANGES = [
  ['alerts.acknowledge', { id: 1 }],
  ['alerts.setRules', { project: 'default', quietSeconds: 7 }],
  ['alerts.addWebhook', { project: 'default', url: 'https://hooks.example.com/x' }],
  ['alerts.removeWebhook', { id: 1 }],
  ['alerts.sendTest', { project: 'default' }],
] as const;

describe('API-only server, default settings', () => {
  let server: TestServer;
  let pid: number;
  let runId: number;
  beforeAll(async () => {
    server = await serve();
    pid = server.pid;
    runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'target' }, server.apiKey)).id;
  });

  it('one request cannot take it down: deep or huge bodies are refused while they arrive, before JSON.parse', async () => {
    const brackets = '['.repeat(16 * 1024 * 1024 - 1024);
    // No credential, small-body procedure: refused by size at once.
    const ack = await rawRequest(server.url, '/api/trpc/alerts.acknowledge', { method: 'POST', headers: json(), body: brackets });
    expect(ack.status).toBe(413);
    expect(ack.json().error.message).toMatch(/larger than this procedure accepts \(262144 bytes\)/);
    // Ingest, with a key: under its 16 MiB limit, refused by depth.
    for (const body of [brackets, '['.repeat(3_000_000), `{"runId":${runId},"points":${'['.repeat(LIMITS.bodyDepth + 1)}`]) {
      const r = await rawRequest(server.url, '/api/trpc/runs.log', { method: 'POST', headers: json({ authorization: `Bearer ${server.apiKey}` }), body });
      expect(r.status).toBe(400);
      expect(r.json().error.message).toBe(`the request body nests deeper than ${LIMITS.bodyDepth} levels`);
    }
    const deepQuery = await rawRequest(server.url, `/api/trpc/runs.list?input=${encodeURIComponent('['.repeat(5000))}`);
    expect(deepQuery.status).toBe(400);
    await stillUp(server, pid);
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(0);
  });

  it('every request-parsing error is a 4xx: bad escapes, bad JSON, wrong content types, oversized batches', async () => {
    for (const path of ['/api/trpc/%E0', '/api/trpc/runs.list?input=%E0', '/%', '/x%E0', '/api/trpc/..%2Fhealthz', '/api/trpc/runs.list%00']) {
      const r = await rawRequest(server.url, path);
      expect(r.status, path).toBe(400);
    }
    const post = (headers: Record<string, string>, body: string) => rawRequest(server.url, '/api/trpc/runs.log', { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, ...headers }, body });
    expect((await post(json(), '{"runId":')).status).toBe(400);
    expect((await post(json(), '\u0000\u0001')).status).toBe(400);
    expect((await post({ 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await post({ 'content-type': 'multipart/form-data; boundary=x' }, '--x--')).status).toBe(415);
    expect((await post({}, '{}')).status).toBe(415);
    const batch = (n: number) => `/api/trpc/${Array(n).fill('runs.list').join(',')}?batch=1`;
    expect((await rawRequest(server.url, batch(LIMITS.batchSize))).status).toBe(200);
    const over = await rawRequest(server.url, batch(LIMITS.batchSize + 1));
    expect(over.status).toBe(400);
    expect(over.json().error.message).toBe(`a batch may call at most ${LIMITS.batchSize} procedures (got ${LIMITS.batchSize + 1})`);
    await stillUp(server, pid);
  });

  it('answers only allowed Host names and its own Origin, on procedures and live feeds', async () => {
    const list = '/api/trpc/runs.list';
    const feed = `/api/trpc/live.runs?input=${encodeURIComponent('{}')}`;
    for (const path of [list, feed]) {
      for (const headers of <Record<string, string>[]>[{ host: `rebind.attacker.test:${server.port}` }, { host: 'localhost.attacker.test' }, { origin: 'http://evil.test' }, { origin: 'null' }, { origin: `http://localhost:${server.port + 1}` }, { 'sec-fetch-site': 'cross-site' }]) {
        const r = await rawRequest(server.url, path, { headers, timeoutMs: 5000 });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect((await rawRequest(server.url, list, { headers: { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` } })).status).toBe(200);
    expect((await rawRequest(server.url, list, { headers: { host: `[::1]:${server.port}`, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    const refused = await rawRequest(server.url, list, { headers: { host: 'rebind.attacker.test' } });
    expect(refused.json().error.message).toMatch(/LRSCOPE_ALLOWED_HOSTS/);
    // A POST from a rebinding page changes nothing, key or not.
    const add = await rawRequest(server.url, '/api/trpc/alerts.addWebhook', { method: 'POST', headers: json({ host: 'rebind.attacker.test', authorization: `Bearer ${server.apiKey}` }), body: '{"project":"default","url":"https://attacker.test/x"}' });
    expect(add.status).toBe(403);
    expect(data<any[]>(await query(server.url, 'alerts.webhooks', { project: 'default' }))).toEqual([]);
  });

  it('every alert change needs a credential; an API key changes its own project only', async () => {
    const other = projectKey(server, 'other');
    for (const [proc, input] of CHANGES) {
      const r = await mutate(server.url, proc, input);
      expect(r.status, proc).toBe(401);
      expect(r.body.error!.message).toMatch(/API key|signed-in dashboard/);
    }
    for (const [proc, input] of CHANGES.filter(([p]) => p !== 'alerts.acknowledge' && p !== 'alerts.removeWebhook')) {
      expect((await mutate(server.url, proc, input, other)).status, `${proc} with another project's key`).toBe(403);
    }
    expect(data<any>(await query(server.url, 'alerts.rules', { project: 'default' })).quietSeconds).not.toBe(7);
    const hook = data<{ id: number }>(await mutate(server.url, 'alerts.addWebhook', { project: 'default', url: 'https://hooks.example.com/mine' }, server.apiKey));
    const theirs = await mutate(server.url, 'alerts.removeWebhook', { id: hook.id }, other);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error!.message).toBe('id: this API key belongs to project "other" and cannot change another project');
    expect(data(await mutate(server.url, 'alerts.setRules', { project: 'default', quietSeconds: 7 }, server.apiKey))).toMatchObject({ quietSeconds: 7 });
    data(await mutate(server.url, 'alerts.removeWebhook', { id: hook.id }, server.apiKey));
  });

  it('webhooks cannot reach loopback, private or metadata addresses, however spelled: refused at send time, not retried, nothing sent', async () => {
    const receiver = await startReceiver();
    try {
      const port = new URL(receiver.url).port;
      const urls = [`http://2130706433:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`, `http://localhost:${port}/hook`, `http://0x7f.1:${port}/hook`, 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook'];
      for (const url of urls) data(await mutate(server.url, 'alerts.addWebhook', { project: 'default', url }, server.apiKey));
      const sent = data<{ deliveryIds: number[] }>(await mutate(server.url, 'alerts.sendTest', { project: 'default' }, server.apiKey));
      expect(sent.deliveryIds).toHaveLength(urls.length);
      await expect
        .poll(async () => data<any[]>(await query(server.url, 'alerts.deliveries', { project: 'default', ids: sent.deliveryIds })).map((d) => d.state), { timeout: 20_000 })
        .toEqual(urls.map(() => 'failed'));
      for (const d of data<any[]>(await query(server.url, 'alerts.deliveries', { project: 'default', ids: sent.deliveryIds }))) {
        expect(d.lastError).toMatch(/refused: .* is a (loopback|link-local|private)/);
        expect(d.lastStatus).toBeNull();
        expect(d.attempts).toBe(1);
      }
      expect(receiver.requests()).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('a secret hint gives nothing of a short secret away and two characters of a long one', async () => {
    const short = data<any>(await mutate(server.url, 'alerts.addWebhook', { project: 'default', url: 'https://hooks.example.com/short', secret: 'eight-ch' }, server.apiKey));
    const long = data<any>(await mutate(server.url, 'alerts.addWebhook', { project: 'default', url: 'https://hooks.example.com/long', secret: 'a-much-longer-secret-42' }, server.apiKey));
    expect(short.secretHint).toBe('••••');
    expect(long.secretHint).toBe('••••42');
  });

  it('search treats % and _ as text, not LIKE wildcards', async () => {
    const key = projectKey(server, 'search');
    for (const [name, tags] of [['plainrun', []], ['with_underscore', []], ['100%done', []], ['tagged', ['a_b']]] as const) {
      data(await mutate(server.url, 'runs.create', { name, tags: [...tags], project: 'search' }, key));
    }
    const names = async (search: string) => data<any>(await query(server.url, 'runs.list', { search, project: 'search', limit: 500 })).runs.map((r: any) => r.name).sort();
    expect(await names('_')).toEqual(['tagged', 'with_underscore']);
    expect(await names('%')).toEqual(['100%done']);
    expect(await names('h_u')).toEqual(['with_underscore']);
    expect(await names('0%d')).toEqual(['100%done']);
    expect(await names('plain')).toEqual(['plainrun']);
  });

  it('a wrong API key, again and again, gets 429 with Retry-After instead of another try', async () => {
    const [, publicId] = server.apiKey.split('_');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 25; i++) {
      const r = await fetch(`${server.url}/api/trpc/runs.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer lrs_${publicId}_${'Z'.repeat(32)}` }, body: '{"name":"guess"}' });
      statuses.push(r.status);
      retryAfter ??= r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('limits an operator sets', () => {
  it('--allowed-hosts and LRSCOPE_PUBLIC_URL add the names answered; LRSCOPE_PUBLIC_URL\'s origin is its own', async () => {
    const server = await serve({ args: ['--api-only', '--allowed-hosts', 'lrscope.internal,*.corp.example'], env: { LRSCOPE_PUBLIC_URL: 'https://tracker.example.com' } });
    for (const host of ['lrscope.internal', 'x.corp.example', 'tracker.example.com']) expect((await rawRequest(server.url, '/api/trpc/runs.list', { headers: { host } })).status, host).toBe(200);
    expect((await rawRequest(server.url, '/api/trpc/runs.list', { headers: { host: 'lrscope.internal', origin: 'https://tracker.example.com' } })).status).toBe(200);
    expect((await rawRequest(server.url, '/api/trpc/runs.list', { headers: { host: 'corp.example' } })).status).toBe(403);
  });

  it('reads are rate-limited per client address (LRSCOPE_READ_RATE_LIMIT_RPS); ingest is not counted against them', async () => {
    const server = await serve({ env: { LRSCOPE_READ_RATE_LIMIT_RPS: '2' } });
    const replies = await Promise.all(Array.from({ length: 30 }, () => rawRequest(server.url, '/api/trpc/alerts.count')));
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(9);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited[0].json().error.message).toMatch(/LRSCOPE_READ_RATE_LIMIT_RPS/);
    expect((await mutate(server.url, 'runs.create', { name: 'still-ingesting' }, server.apiKey)).status).toBe(200);
  });

  it('live feeds are capped per client and in total; a closed feed frees its slot', async () => {
    const server = await serve({ env: { LRSCOPE_LIVE_FEEDS_PER_CLIENT: '2', LRSCOPE_LIVE_FEEDS_MAX: '3' } });
    const feeds = [openFeed(server.url, 'live.alerts', {}), openFeed(server.url, 'live.runs', {})];
    for (const f of feeds) await f.wait('start', (e) => e.length > 0);
    const third = await rawRequest(server.url, `/api/trpc/live.alerts?input=${encodeURIComponent('{}')}`, { timeoutMs: 5000 });
    expect(third.status).toBe(429);
    expect(third.json().error.message).toMatch(/LRSCOPE_LIVE_FEEDS_PER_CLIENT/);
    await feeds[0].close();
    await expect.poll(async () => {
      const f = openFeed(server.url, 'live.alerts', {});
      try {
        await f.wait('start', (e) => e.length > 0, 2000);
        return 'open';
      } catch {
        return 'refused';
      } finally {
        await f.close();
      }
    }, { timeout: 10_000 }).toBe('open');
    await feeds[1].close();
  });

  it('a client that sends its body slowly is cut off after LRSCOPE_REQUEST_TIMEOUT_SECONDS', { timeout: 60_000 }, async () => {
    const server = await serve({ env: { LRSCOPE_REQUEST_TIMEOUT_SECONDS: '2' } });
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /api/trpc/runs.log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"runId":`);
      });
      let reply = '';
      socket.on('data', (d) => (reply += d));
      socket.on('close', () => resolve(reply));
      socket.on('error', () => {});
      setTimeout(() => {
        socket.destroy();
        resolve('still open');
      }, 30_000);
    });
    expect(closed).not.toBe('still open');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await healthy(server.url)).toBe(true);
  });
});

describe('the dashboard: sessions a page elsewhere cannot obtain', () => {
  let open: TestServer;
  let locked: TestServer;
  const token = 'the-dashboard-token-1';
  beforeAll(async () => {
    await ensureNextBuild();
    [open, locked] = await Promise.all([serve({ args: [] }), serve({ args: [], env: { LRSCOPE_DASHBOARD_TOKEN: token, LRSCOPE_PUBLIC_URL: 'https://lrscope.example.com' } })]);
  }, 600_000);

  const setRules = (server: TestServer, headers: Record<string, string>) =>
    rawRequest(server.url, '/api/trpc/alerts.setRules', { method: 'POST', headers: json(headers), body: '{"project":"default","quietSeconds":9}' });

  it('without a token, a page load opens a SameSite=Strict HttpOnly session; changes need it and the dashboard header; logout ends it', async () => {
    const page = await rawRequest(open.url, '/');
    expect(page.status).toBe(200);
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toMatch(/^lrscope_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const cookie = setCookie.split(';')[0];
    expect((await setRules(open, { cookie })).status, 'the cookie alone (a form post from elsewhere)').toBe(401);
    expect((await setRules(open, { 'x-lrscope-dashboard': '1' })).status, 'the header alone').toBe(401);
    expect((await setRules(open, { cookie: `${cookie}x`, 'x-lrscope-dashboard': '1' })).status, 'a forged cookie').toBe(401);
    expect((await setRules(open, { cookie, 'x-lrscope-dashboard': '1' })).status).toBe(200);
    expect((await rawRequest(open.url, '/', { headers: { cookie } })).headers['set-cookie'], 'an open session is kept').toBeUndefined();
    const out = await rawRequest(open.url, '/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await setRules(open, { cookie, 'x-lrscope-dashboard': '1' })).status, 'a closed session').toBe(401);
  });

  it('a link followed from another site reloads once from here, so the Strict cookie comes along; no session is opened for it', async () => {
    const r = await rawRequest(open.url, '/alerts', { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<meta http-equiv="refresh" content="0">');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('with a token: /_next/static/../../alerts does not serve a protected page; wrong tokens are throttled; the cookie is Secure behind https and revocable', async () => {
    for (const path of ['/_next/static/../../alerts', '/_next/static/%2e%2e/%2e%2e/alerts']) {
      const r = await rawRequest(locked.url, path);
      expect(r.status, path).toBe(302);
      expect(r.headers.location).toBe('/login');
    }
    const login = (t: string) => rawRequest(locked.url, '/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(t)}` });
    const right = await login(token);
    expect(right.status).toBe(303);
    const setCookie = String(right.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
    const cookie = setCookie.split(';')[0];
    expect((await rawRequest(locked.url, '/api/trpc/runs.list', { headers: { cookie } })).status).toBe(200);
    expect((await setRules(locked, { cookie, 'x-lrscope-dashboard': '1' })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await login(token)).status, 'throttled before the token is checked').toBe(429);
    await rawRequest(locked.url, '/logout', { method: 'POST', headers: { cookie } });
    expect((await rawRequest(locked.url, '/api/trpc/runs.list', { headers: { cookie } })).status).toBe(401);
  });
});
