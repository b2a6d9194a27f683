// Access against the real server process (docs/architecture.md, "Reliability": ingest needs a project API key,
// stored hashed; a key cannot write to another project): keys at rest, project isolation,
// revocation, the dashboard token, the non-loopback warning, per-key rate limits, security
// headers and secrets kept out of the logs. ingest.test.ts has the single 401/403 cases.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNextBuild } from '../helpers/next-build';
import { dumpAllText, sql } from '../helpers/raw-db';
import { ROOT, type TestServer, freshDatabase, startServer } from '../helpers/server';
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

function cli(databaseUrl: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/lrscope.js', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
const secretOf = (key: string) => key.split('_').slice(2).join('_');

describe('API keys', () => {
  let server: TestServer;
  let keyA: string; // project default
  let keyA2: string; // project default, a second key
  let keyB: string; // project other
  beforeAll(async () => {
    server = await serve();
    keyA = server.apiKey;
    keyA2 = cli(server.databaseUrl, 'keys', 'create', '--project', 'default');
    keyB = cli(server.databaseUrl, 'keys', 'create', '--project', 'other');
  });

  it('are stored hashed with a per-key salt: no key nor secret anywhere in the database', async () => {
    const everything = await dumpAllText(server.databaseUrl);
    expect(everything).toContain('ApiKey'); // the dump did read the keys table
    for (const key of [keyA, keyA2, keyB]) {
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(secretOf(key));
      expect(everything).not.toContain(Buffer.from(secretOf(key)).toString('hex'));
      expect(everything).not.toContain(Buffer.from(secretOf(key), 'base64url').toString('hex'));
    }
    const rows = await sql<{ publicId: string; salt: string; hash: string }>(server.databaseUrl, 'SELECT "publicId", salt, hash FROM "ApiKey"');
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.salt)).size, 'a salt per key').toBe(3);
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a key of one project cannot touch, or even find by clientId, another project\'s run', async () => {
    const theirs = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'theirs', stepsPerEpoch: 10, clientId: 'shared-client-id' }, keyB)).id;
    data(await mutate(server.url, 'runs.log', { runId: theirs, points: [{ step: 0, lr: 0.1 }] }, keyB));
    const before = data<any>(await query(server.url, 'runs.get', { id: theirs })).run;
    for (const [proc, input] of [
      ['runs.log', { runId: theirs, points: [{ step: 1, lr: 0.2 }] }],
      ['runs.update', { runId: theirs, stepsPerEpoch: 99, tags: ['hijacked'] }],
      ['runs.finish', { runId: theirs, status: 'crashed' }],
      ['runs.create', { name: 'sneaky', project: 'other' }],
    ] as const) {
      const r = await mutate(server.url, proc, input, keyA);
      expect(r.status, `${proc} with another project's key`).toBe(403);
    }
    // The same clientId in another project is another run, never theirs.
    const mine = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'mine', clientId: 'shared-client-id' }, keyA)).id;
    expect(mine).not.toBe(theirs);
    expect(data<any>(await query(server.url, 'runs.get', { id: mine })).run.project).toBe('default');
    expect(data<any>(await query(server.url, 'runs.get', { id: theirs })).run).toEqual(before);
  });

  it('a revoked key gets 401 on every ingest procedure; the project\'s other keys and its data are unaffected', async () => {
    const doomed = cli(server.databaseUrl, 'keys', 'create', '--project', 'default');
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'before-revoke' }, doomed)).id;
    data(await mutate(server.url, 'runs.log', { runId, points: [{ step: 0, lr: 0.1 }] }, doomed));
    cli(server.databaseUrl, 'keys', 'revoke', doomed);
    for (const [proc, input] of [
      ['runs.create', { name: 'after-revoke' }],
      ['runs.log', { runId, points: [{ step: 1, lr: 0.1 }] }],
      ['runs.update', { runId, stepsPerEpoch: 5 }],
      ['runs.finish', { runId }],
    ] as const) {
      const r = await mutate(server.url, proc, input, doomed);
      expect(r.status, proc).toBe(401);
      expect(r.body.error!.message).toMatch(/revoked/);
    }
    expect(data(await mutate(server.url, 'runs.log', { runId, points: [{ step: 1, lr: 0.1 }] }, keyA2))).toEqual({ accepted: 1, duplicates: 0 });
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run).toMatchObject({ pointCount: 2, status: 'running' });
  });

  it('malformed Authorization headers are 401, never 500', async () => {
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'auth-fuzz' }, keyA)).id;
    const [, publicId] = keyA.split('_');
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${keyA}`, `bearer  ${keyA}x`, `Bearer lrs_${publicId}_`, `Bearer lrs_${publicId}_${'A'.repeat(32)}`, `Bearer lrs_${publicId}_${'A'.repeat(10_000)}`, `Bearer ${keyA} ${keyA}`, `Bearer lrs_zzzzzzzzzzzz_${secretOf(keyA)}`, 'Bearer ' + 'é'.repeat(50)]) {
      const res = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ runId, points: [{ step: 0, lr: 0.1 }] }) }).catch((e) => ({ status: `client refused: ${e}` }) as any);
      if (typeof res.status === 'string') continue; // fetch itself refuses non-Latin-1 headers
      expect(res.status, authorization.slice(0, 40)).toBe(401);
    }
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(0);
  });
});

describe('dashboard token (LRSCOPE_DASHBOARD_TOKEN), with pages', () => {
  const token = 'correct-horse-battery-staple';
  let server: TestServer;
  beforeAll(async () => {
    await ensureNextBuild();
    server = await serve({ args: [], env: { LRSCOPE_DASHBOARD_TOKEN: token } });
  }, 600_000);

  it('reads and dashboard mutations are 401 without it, 200 with the Bearer token', async () => {
    for (const [path, init] of [
      ['runs.list', {}],
      ['runs.get?input=' + encodeURIComponent('{"id":1}'), {}],
      ['alerts.list', {}],
      ['alerts.setRules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"project":"default","quietSeconds":5}' }],
      ['runs.log,runs.list?batch=1', {}], // a batch smuggling a read next to an ingest call
    ] as const) {
      const res = await fetch(`${server.url}/api/trpc/${path}`, init as RequestInit);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.message).toMatch(/\/login|LRSCOPE_DASHBOARD_TOKEN/);
    }
    const withToken = await fetch(`${server.url}/api/trpc/runs.list`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    // An API key is not the dashboard token.
    expect((await fetch(`${server.url}/api/trpc/runs.list`, { headers: { authorization: `Bearer ${server.apiKey}` } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/trpc/runs.list`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
  });

  it('ingest still works with an API key alone', async () => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'behind-token' }, server.apiKey)).id;
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1 }] }, server.apiKey))).toEqual({ accepted: 1, duplicates: 0 });
    data(await mutate(server.url, 'runs.finish', { runId: id }, server.apiKey));
  });

  it('pages redirect to /login; a wrong token is refused; the right one sets an HttpOnly session cookie (not the token) that opens pages and reads', async () => {
    const page = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login');
    const form = await fetch(`${server.url}/login`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="token"');
    const wrong = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope', redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const right = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}`, redirect: 'manual' });
    expect(right.status).toBe(303);
    const setCookie = right.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=(Lax|Strict)/);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0];
    expect((await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    expect((await fetch(`${server.url}/api/trpc/runs.list`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/trpc/runs.list`, { headers: { cookie: `${cookie}x` } })).status).toBe(401);
  });

  it('pages carry the security headers', async () => {
    const cookie = (await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}`, redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0];
    const found: Record<string, Record<string, string | null>> = {};
    for (const path of ['/', '/alerts', '/login', '/api/trpc/runs.list']) {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
      const h = (n: string) => res.headers.get(n);
      found[path] = { status: String(res.status), 'x-content-type-options': h('x-content-type-options'), 'x-frame-options': h('x-frame-options'), 'referrer-policy': h('referrer-policy'), csp: h('content-security-policy'), 'permissions-policy': h('permissions-policy'), 'x-powered-by': h('x-powered-by') };
      expect(h('x-content-type-options'), path).toBe('nosniff');
      expect(h('x-frame-options'), path).toBe('DENY');
      expect(h('referrer-policy'), path).toMatch(/same-origin|no-referrer|strict-origin/);
      expect(h('x-powered-by'), path).toBeNull();
      expect(h('permissions-policy'), path).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    }
    expect(found['/login'].csp, 'the sign-in form loads nothing and frames nowhere').toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    for (const path of ['/', '/alerts']) {
      expect(found[path].csp, path).toMatch(/frame-ancestors 'none'/);
      expect(found[path].csp, path).toMatch(/default-src 'self'/);
    }
    console.log('security headers:', JSON.stringify(found, null, 1));
  });
});

/** Starts the server the way an operator would (HOST as given) and returns what it printed once listening. */
async function startupOutput(env: Record<string, string>): Promise<{ out: string; code: number | null }> {
  const db = await freshDatabase();
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--api-only'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, PORT: '0', NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const result = await new Promise<{ out: string; code: number | null }>((resolve) => {
      const on = (d: Buffer) => {
        out += d;
        // The warning, if any, follows the listening line.
        if (/listening on/.test(out)) setTimeout(() => resolve({ out, code: null }), 300);
      };
      child!.stdout!.on('data', on);
      child!.stderr!.on('data', on);
      child!.once('exit', (code) => resolve({ out, code }));
      setTimeout(() => resolve({ out, code: null }), 60_000);
    });
    return result;
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    await db.drop();
  }
}

describe('start-up warning', () => {
  it('warns when listening beyond loopback without a dashboard token, and only then', async () => {
    const open = await startupOutput({ HOST: '0.0.0.0' });
    expect(open.out).toMatch(/listening on/);
    expect(open.out).toMatch(/WARNING: listening on 0\.0\.0\.0 without LRSCOPE_DASHBOARD_TOKEN/);
    // It says exactly what is open: every read, and the dashboard's changes.
    expect(open.out).toMatch(/read every run, its config and alerts, open the dashboard, and from it acknowledge alerts, change alert rules, add or remove webhooks, send test alerts, edit, archive or delete runs and change retention\. Logging to runs still needs an API key\./);
    const guarded = await startupOutput({ HOST: '0.0.0.0', LRSCOPE_DASHBOARD_TOKEN: 'a-long-enough-token' });
    expect(guarded.out).toMatch(/listening on/);
    expect(guarded.out).not.toMatch(/WARNING/);
    expect(guarded.out).not.toContain('a-long-enough-token');
    const loopback = await startupOutput({ HOST: '127.0.0.1' });
    expect(loopback.out).not.toMatch(/WARNING/);
  }, 120_000);

  it('refuses a dashboard token too short to be one, naming the variable (and not printing it)', async () => {
    const r = await startupOutput({ LRSCOPE_DASHBOARD_TOKEN: 'short-tok' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/LRSCOPE_DASHBOARD_TOKEN/);
    expect(r.out).not.toContain('short-tok');
  }, 60_000);
});

describe('rate limiting per API key', () => {
  it('a runaway key gets 429 with Retry-After and stores nothing for them, while another key keeps getting 200; it recovers after the wait', async () => {
    const server = await serve({ env: { LRSCOPE_RATE_LIMIT_RPS: '5', LRSCOPE_RATE_LIMIT_POINTS: '1000000' } });
    const runaway = server.apiKey;
    const calm = cli(server.databaseUrl, 'keys', 'create', '--project', 'calm');
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'runaway' }, runaway)).id;
    const calmRun = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'calm' }, calm)).id;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${runaway}` }, body: JSON.stringify({ runId, points: [{ step: i, lr: 0.1 }] }) }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() })),
      ),
    );
    const limited = replies.filter((r) => r.status === 429);
    const ok = replies.filter((r) => r.status === 200);
    expect(limited.length).toBeGreaterThan(0);
    expect(ok.length + limited.length).toBe(40);
    for (const r of limited) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.body.error.message).toMatch(/rate limit/);
    }
    // The calm key is not starved by the runaway one.
    for (let i = 0; i < 3; i++) expect((await mutate(server.url, 'runs.log', { runId: calmRun, points: [{ step: i, lr: 0.1 }] }, calm)).status).toBe(200);
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(ok.length);
    await new Promise((r) => setTimeout(r, Number(limited[0].retryAfter) * 1000 + 200));
    expect((await mutate(server.url, 'runs.log', { runId, points: [{ step: 1000, lr: 0.1 }] }, runaway)).status).toBe(200);
  }, 60_000);

  it('a point budget too: huge batches beyond it get 429 while small ones of another key pass', async () => {
    const server = await serve({ env: { LRSCOPE_RATE_LIMIT_RPS: '1000', LRSCOPE_RATE_LIMIT_POINTS: '1000' } });
    const big = server.apiKey;
    const other = cli(server.databaseUrl, 'keys', 'create', '--project', 'small');
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'big' }, big)).id;
    const smallRun = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'small' }, other)).id;
    const batch = (from: number) => Array.from({ length: 1500 }, (_, i) => ({ step: from + i, lr: 0.1 }));
    expect((await mutate(server.url, 'runs.log', { runId, points: batch(0) }, big)).status).toBe(200);
    const second = await mutate(server.url, 'runs.log', { runId, points: batch(1500) }, big);
    expect(second.status).toBe(429);
    expect((await mutate(server.url, 'runs.log', { runId: smallRun, points: batch(0).slice(0, 10) }, other)).status).toBe(200);
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(1500);
  });
});

describe('no secret in logs', () => {
  it('after creating keys and webhooks, failed logins, wrong keys and errors, the output holds the first-start key once and no other secret', async () => {
    const receiver = await startReceiver();
    const defaultSecret = 'default-webhook-secret-123';
    const dashboardToken = 'dashboard-token-for-logs-test';
    const server = await serve({ env: { LRSCOPE_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', LRSCOPE_WEBHOOK_URL: receiver.url, LRSCOPE_WEBHOOK_SECRET: defaultSecret, LRSCOPE_DASHBOARD_TOKEN: dashboardToken } });
    try {
      const auth = { authorization: `Bearer ${dashboardToken}` };
      const other = cli(server.databaseUrl, 'keys', 'create', '--project', 'logs');
      const hookSecret = 'per-project-hook-secret-456';
      const post = (proc: string, body: unknown, headers: Record<string, string> = auth) =>
        fetch(`${server.url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      expect((await post('alerts.addWebhook', { project: 'logs', url: `${receiver.url}/p`, secret: hookSecret })).status).toBe(200);
      expect((await post('alerts.addWebhook', { project: 'logs', url: 'http://127.0.0.1:9/unreachable', secret: hookSecret })).status).toBe(200);
      expect((await post('alerts.sendTest', { project: 'logs' })).status).toBe(200);
      await receiver.waitFor(2);
      // Wrong and revoked keys, a bad dashboard login, bad input with a key.
      const wrong = `lrs_${other.split('_')[1]}_${'B'.repeat(32)}`;
      await post('runs.create', { name: 'x' }, { authorization: `Bearer ${wrong}` });
      await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=guessing-the-token' });
      await post('runs.log', { runId: 'nope', points: [] }, { authorization: `Bearer ${other}` });
      const revoked = cli(server.databaseUrl, 'keys', 'create', '--project', 'logs');
      cli(server.databaseUrl, 'keys', 'revoke', revoked);
      await post('runs.create', { name: 'x' }, { authorization: `Bearer ${revoked}` });
      await new Promise((r) => setTimeout(r, 2_000)); // the unreachable webhook's failure gets logged, if at all
      const out = server.output();
      expect(out.split(server.apiKey).length - 1, 'the first-start key, printed once').toBe(1);
      for (const [what, secret] of [
        ['a CLI-created key', secretOf(other)],
        ['a revoked key', secretOf(revoked)],
        ['a wrong key', 'B'.repeat(32)],
        ['LRSCOPE_WEBHOOK_SECRET', defaultSecret],
        ['a webhook secret', hookSecret],
        ['LRSCOPE_DASHBOARD_TOKEN', dashboardToken],
        ['a guessed token', 'guessing-the-token'],
      ]) {
        expect(out, what).not.toContain(secret);
      }
      // Nor does any API reply show a webhook secret back.
      const hooks = await (await fetch(`${server.url}/api/trpc/alerts.webhooks?input=${encodeURIComponent('{"project":"logs"}')}`, { headers: auth })).text();
      expect(hooks).not.toContain(hookSecret);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
