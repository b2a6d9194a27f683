// Living with many runs, end to end on the real server (SQLite or PostgreSQL): rename, notes and
// tags; archive; delete in chunks; per-project retention; who may do each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlWrite } from '../helpers/raw-db';
import { dashboardSessionCookie } from '../helpers/dashboard-session';
import { projectKey } from '../helpers/project-key';
import { openFeed, startServer, type TestServer } from '../helpers/server';
import { data, mutate, query, type Reply } from '../helpers/trpc-http';

const COQUI = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' };
/** Coqui's trainer with scheduler_after_epoch=True: flagged from step 10,000 on. */
function stuckPoints(from: number, to: number, every = 10) {
  const out = [];
  for (let s = from; s < to; s += every) out.push({ step: s, epoch: Math.floor(s / 500), lr: 5e-4, loss: 3 / Math.sqrt(1 + s / 200), metrics: { grad_norm: 1 + s / 1e4 } });
  return out;
}


/** A change as the dashboard's own client sends it (with its session cookie, when given). */
async function fromDashboard(url: string, procedure: string, input: unknown, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

async function rows(server: TestServer, table: string, runId: number): Promise<number> {
  const [r] = await sql<{ n: number | string }>(server.databaseUrl, `SELECT COUNT(*) AS n FROM "${table}" WHERE "runId" = $1`, [runId]);
  return Number(r.n);
}

describe('managing runs', () => {
  let server: TestServer;
  let key: string;
  const create = async (input: Record<string, unknown>, k = key) => data<{ id: number }>(await mutate(server.url, 'runs.create', input, k)).id;
  const log = async (runId: number, points: unknown[], k = key) => data(await mutate(server.url, 'runs.log', { runId, points }, k));
  const get = async (id: number) => data<{ run: any }>(await query(server.url, 'runs.get', { id })).run;
  const list = async (input: Record<string, unknown> = {}) => data<{ runs: any[] }>(await query(server.url, 'runs.list', { limit: 500, ...input })).runs.map((r) => r.id);

  beforeAll(async () => {
    server = await startServer({ env: { LRSCOPE_STALL_SWEEP_SECONDS: '1' } });
    key = server.apiKey;
  });
  afterAll(() => server?.stop());

  it('renames a run and writes its notes and tags, without making it look alive', async () => {
    const id = await create({ name: 'bs64-try', tags: ['a'] });
    const before = await get(id);
    data(await mutate(server.url, 'runs.update', { runId: id, name: '  bs64 warmup fixed ', notes: '# Why\nWarmup was **off**.', tags: ['sweep', 'warmup', 'sweep'] }, key));
    const after = await get(id);
    expect(after).toMatchObject({ name: 'bs64 warmup fixed', notes: '# Why\nWarmup was **off**.', tags: ['sweep', 'warmup'] });
    expect(after.lastSeenAt, 'an edit is not a sign of life').toBe(before.lastSeenAt);
    data(await mutate(server.url, 'runs.update', { runId: id, notes: null }, key));
    expect((await get(id)).notes).toBeNull();
  });

  it('refuses a bad name or notes with a message naming the field', async () => {
    const id = await create({ name: 'bad-edits' });
    const empty = await mutate(server.url, 'runs.update', { runId: id, name: '   ' }, key);
    expect(empty.status).toBe(400);
    expect(empty.body.error!.message).toMatch(/name.*must not be empty/);
    const long = await mutate(server.url, 'runs.update', { runId: id, notes: 'x'.repeat(20_001) }, key);
    expect(long.status).toBe(400);
    expect(long.body.error!.message).toMatch(/notes.*at most 20000/);
    expect((await get(id)).name).toBe('bad-edits');
  });

  it('lets the dashboard and the project key edit, and nobody else', async () => {
    const id = await create({ name: 'guarded' });
    const other = projectKey(server, 'other-team');
    expect((await mutate(server.url, 'runs.update', { runId: id, name: 'x' })).status, 'no credential').toBe(401);
    expect((await mutate(server.url, 'runs.update', { runId: id, name: 'x' }, `${key}nope`)).status, 'wrong key').toBe(401);
    const foreign = await mutate(server.url, 'runs.update', { runId: id, name: 'x' }, other);
    expect(foreign.status, "another project's key").toBe(403);
    expect(foreign.body.error!.message).toContain('another project');
    expect((await mutate(server.url, 'runs.archive', { runId: id, archived: true }, other)).status).toBe(403);
    expect((await mutate(server.url, 'runs.delete', { runId: id }, other)).status).toBe(403);
    expect((await get(id)).name).toBe('guarded');
    expect((await fromDashboard(server.url, 'runs.update', { runId: id, name: 'x' }, { 'x-lrscope-dashboard': '1' })).status, 'the header without a session').toBe(401);
    const cookie = await dashboardSessionCookie(server);
    expect((await fromDashboard(server.url, 'runs.delete', { runId: id }, { cookie })).status, 'the session without the header').toBe(401);
    data(await fromDashboard(server.url, 'runs.update', { runId: id, name: 'renamed on the page' }, { 'x-lrscope-dashboard': '1', cookie }));
    expect((await get(id)).name).toBe('renamed on the page');
  });

  it('publishes edits, archives and deletes on the live feed, so open pages follow', async () => {
    const id = await create({ name: 'watched' });
    const runsFeed = openFeed(server.url, 'live.runs', {});
    const runFeed = openFeed(server.url, 'live.run', { runId: id });
    try {
      await runsFeed.wait('start', (ev) => ev.some((e) => e.data.kind === 'start'));
      await runFeed.wait('start', (ev) => ev.some((e) => e.data.kind === 'start'));
      data(await mutate(server.url, 'runs.update', { runId: id, name: 'watched, renamed', notes: 'live note' }, key));
      await runsFeed.wait('the new name', (ev) => ev.some((e) => e.data.kind === 'run' && e.data.run.id === id && e.data.run.name === 'watched, renamed'));
      await runFeed.wait('the new notes', (ev) => ev.some((e) => e.data.kind === 'run' && e.data.run.notes === 'live note'));
      data(await mutate(server.url, 'runs.archive', { runId: id, archived: true }, key));
      await runsFeed.wait('archived', (ev) => ev.some((e) => e.data.kind === 'run' && e.data.run.id === id && e.data.run.archivedAt !== null));
      data(await mutate(server.url, 'runs.delete', { runId: id }, key));
      await runsFeed.wait('removed', (ev) => ev.some((e) => e.data.kind === 'removed' && e.data.runId === id));
    } finally {
      await runsFeed.close();
      await runFeed.close();
    }
  });

  it('archives: hidden from the table unless asked for, open alerts resolved, no new ones; and back', async () => {
    const id = await create({ name: 'stuck-then-archived', schedule: COQUI });
    await log(id, stuckPoints(0, 12_000));
    const open = async () => data<{ alerts: any[] }>(await query(server.url, 'alerts.list', { runId: id, state: 'active' })).alerts;
    await expect.poll(async () => (await open()).length, { timeout: 10_000 }).toBe(1);
    const reply = data<{ archivedAt: string }>(await mutate(server.url, 'runs.archive', { runId: id, archived: true }, key));
    expect(Date.parse(reply.archivedAt)).toBeGreaterThan(0);
    expect(await list(), 'hidden by default').not.toContain(id);
    expect(await list({ archived: true })).toContain(id);
    expect(await list({ archived: 'only' })).toContain(id);
    expect(await list({ archived: 'only' })).not.toContain(await create({ name: 'not archived' }));
    expect(await open(), 'its alert is resolved').toHaveLength(0);
    // Still flagged, still sending bad points: no new alert, not even from the sweep.
    await log(id, stuckPoints(12_000, 14_000));
    await new Promise((r) => setTimeout(r, 2500));
    expect(await open()).toHaveLength(0);
    expect((await get(id)).archivedAt).toBe(reply.archivedAt);
    data(await mutate(server.url, 'runs.archive', { runId: id, archived: false }, key));
    expect(await list()).toContain(id);
    expect((await get(id)).archivedAt).toBeNull();
  });

  it('deletes a run with its points, metrics, rollups, tags, alerts and deliveries, and nothing of other runs', async () => {
    const keep = await create({ name: 'kept', tags: ['t'] });
    await log(keep, stuckPoints(0, 3_000));
    const id = await create({ name: 'to-delete', schedule: COQUI, tags: ['t'] });
    await log(id, stuckPoints(0, 12_000));
    await log(id, stuckPoints(12_000, 30_000));
    await expect.poll(() => rows(server, 'Alert', id), { timeout: 10_000 }).toBeGreaterThan(0);
    const tables = ['Point', 'MetricPoint', 'PointRollup', 'RunTag', 'Alert'];
    for (const t of tables) expect(await rows(server, t, id), t).toBeGreaterThan(0);
    const keptBefore = await Promise.all(tables.map((t) => rows(server, t, keep)));

    const deleted = data<{ id: number; name: string; points: number }>(await mutate(server.url, 'runs.delete', { runId: id }, key));
    expect(deleted).toEqual({ id, name: 'to-delete', points: 3_000 });
    expect((await query(server.url, 'runs.get', { id })).status, 'gone from reads at once').toBe(404);
    // Its rows go in chunks after the reply.
    await expect.poll(() => sql(server.databaseUrl, 'SELECT "id" FROM "Run" WHERE "id" = $1', [id]), { timeout: 20_000 }).toEqual([]);
    for (const t of tables) expect(await rows(server, t, id), t).toBe(0);
    expect(await sql(server.databaseUrl, 'SELECT "id" FROM "Run" WHERE "id" = $1', [id])).toEqual([]);
    expect(await sql(server.databaseUrl, 'SELECT "id" FROM "AlertDelivery" WHERE "alertId" NOT IN (SELECT "id" FROM "Alert")')).toEqual([]);
    expect(await Promise.all(tables.map((t) => rows(server, t, keep)))).toEqual(keptBefore);

    expect((await query(server.url, 'runs.get', { id })).status).toBe(404);
    expect(await list({ archived: true })).not.toContain(id);
    const again = await mutate(server.url, 'runs.delete', { runId: id }, key);
    expect(again.status).toBe(404);
    expect(again.body.error!.message).toBe(`runId: no run ${id}`);
    expect((await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 1, lr: 1 }] }, key)).status, 'a trainer still posting is told').toBe(404);
  });

  it('lists projects with their runs and open alerts', async () => {
    const k = projectKey(server, 'counted');
    const a = await create({ name: 'c1', project: 'counted', schedule: COQUI }, k);
    await create({ name: 'c2', project: 'counted' }, k);
    const archived = await create({ name: 'c3', project: 'counted' }, k);
    data(await mutate(server.url, 'runs.archive', { runId: archived, archived: true }, k));
    await log(a, stuckPoints(0, 12_000), k);
    await expect
      .poll(async () => data<any[]>(await query(server.url, 'projects.list')).find((p) => p.name === 'counted'), { timeout: 10_000 })
      .toEqual({ name: 'counted', runs: 2, openAlerts: 1, retention: null });
  });

  it('applies a project retention policy on the sweep: archive, then delete', async () => {
    const k = projectKey(server, 'kept-short');
    const old = await create({ name: 'old', project: 'kept-short' }, k);
    const recent = await create({ name: 'recent', project: 'kept-short' }, k);
    const running = await create({ name: 'still running', project: 'kept-short' }, k);
    await log(old, stuckPoints(0, 2_000), k);
    for (const id of [old, recent]) data(await mutate(server.url, 'runs.finish', { runId: id }, k));
    // Finished 40 days ago, as far as the database knows; the other two are recent or running.
    await sqlWrite(server.databaseUrl, 'UPDATE "Run" SET "finishedAt" = $1 WHERE "id" = $2', [server.databaseUrl.startsWith('file:') ? Date.now() - 40 * 86_400_000 : new Date(Date.now() - 40 * 86_400_000), old]);
    await sqlWrite(server.databaseUrl, 'UPDATE "Run" SET "startedAt" = $1 WHERE "id" = $2', [server.databaseUrl.startsWith('file:') ? Date.now() - 40 * 86_400_000 : new Date(Date.now() - 40 * 86_400_000), running]);

    expect((await mutate(server.url, 'projects.setRetention', { project: 'kept-short', policy: { days: 30, action: 'archive' } })).status, 'not without a credential').toBe(401);
    expect((await mutate(server.url, 'projects.setRetention', { project: 'kept-short', policy: { days: 30, action: 'archive' } }, key)).status, "not with another project's key").toBe(403);
    const bad = await mutate(server.url, 'projects.setRetention', { project: 'kept-short', policy: { days: 0, action: 'archive' } }, k);
    expect(bad.body.error!.message).toMatch(/policy\.days.*≥ 1/);
    expect(data(await mutate(server.url, 'projects.setRetention', { project: 'kept-short', policy: { days: 30, action: 'archive' } }, k))).toEqual({ days: 30, action: 'archive' });
    await expect.poll(async () => (await get(old)).archivedAt, { timeout: 10_000 }).not.toBeNull();
    expect((await get(recent)).archivedAt).toBeNull();
    expect((await get(running)).archivedAt).toBeNull();

    data(await fromDashboard(server.url, 'projects.setRetention', { project: 'kept-short', policy: { days: 30, action: 'delete' } }, { 'x-lrscope-dashboard': '1', cookie: await dashboardSessionCookie(server) }));
    await expect.poll(() => rows(server, 'Point', old), { timeout: 10_000 }).toBe(0);
    expect((await query(server.url, 'runs.get', { id: old })).status).toBe(404);
    expect((await get(recent)).name).toBe('recent');
    expect(data<any[]>(await query(server.url, 'projects.list')).find((p) => p.name === 'kept-short').retention).toEqual({ days: 30, action: 'delete' });
    expect(data(await mutate(server.url, 'projects.setRetention', { project: 'kept-short', policy: null }, k))).toBeNull();
  });
});

describe('managing runs behind a dashboard token', () => {
  const TOKEN = 'manage-token-123456';
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { LRSCOPE_DASHBOARD_TOKEN: TOKEN } });
  });
  afterAll(() => server?.stop());

  it('takes the token or the project key; the dashboard header alone is not enough', async () => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'tokened' }, server.apiKey)).id;
    expect((await fromDashboard(server.url, 'runs.update', { runId: id, name: 'x' }, { 'x-lrscope-dashboard': '1' })).status).toBe(401);
    expect((await fromDashboard(server.url, 'runs.archive', { runId: id, archived: true }, { authorization: 'Bearer wrong' })).status).toBe(401);
    data(await fromDashboard(server.url, 'runs.update', { runId: id, name: 'by token' }, { authorization: `Bearer ${TOKEN}` }));
    data(await mutate(server.url, 'runs.archive', { runId: id, archived: true }, server.apiKey));
    data(await mutate(server.url, 'runs.delete', { runId: id }, server.apiKey));
    const gone = await fetch(`${server.url}/api/trpc/runs.get?input=${encodeURIComponent(JSON.stringify({ id }))}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(gone.status).toBe(404);
  });
});
