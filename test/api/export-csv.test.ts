// CSV exports over plain HTTP, the way curl fetches them: a run's every point, the runs table as
// filtered, and who may read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectKey } from '../helpers/project-key';
import { startServer, type TestServer } from '../helpers/server';
import { data, mutate } from '../helpers/trpc-http';

const STEP = { name: 'StepLR', params: { step_size: 100, gamma: 0.5 }, interval: 'step', baseLr: 0.1 };


const lines = (text: string) => text.split('\r\n').slice(0, -1);

describe('CSV exports', () => {
  let server: TestServer;
  const create = async (input: Record<string, unknown>, key = server.apiKey) => data<{ id: number }>(await mutate(server.url, 'runs.create', input, key)).id;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it("streams every point of a run with its expected LR and metrics, not downsampled", async () => {
    const id = await create({ name: 'step, "decay"', schedule: STEP });
    // 12,000 points: more than a chart ever gets and more than one page of the export.
    const points = Array.from({ length: 12_000 }, (_, s) => ({ step: s, epoch: Math.floor(s / 1000), time: 1.7e9 + s / 10, lr: 0.1 * 0.5 ** Math.floor(s / 100), loss: 1 / (s + 1), ...(s % 1000 === 0 && { metrics: { val_loss: 2 / (s + 1) } }), ...(s % 3 === 0 && { metrics: { grad_norm: s / 7, ...(s % 1000 === 0 && { val_loss: 2 / (s + 1) }) } }) }));
    for (let i = 0; i < points.length; i += 5000) data(await mutate(server.url, 'runs.log', { runId: id, points: points.slice(i, i + 5000) }, server.apiKey));
    const res = await fetch(`${server.url}/api/runs/${id}/points.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="run-${id}-step-decay.csv"`);
    const rows = lines(await res.text());
    expect(rows[0]).toMatch(/^step,epoch,time,lr,expected_lr,loss,(val_loss,grad_norm|grad_norm,val_loss)$/);
    const header = rows[0].split(',');
    expect(rows).toHaveLength(12_001);
    const at = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v]));
    expect(at(rows[1])).toEqual({ step: '0', epoch: '0', time: '1700000000', lr: '0.1', expected_lr: '0.1', loss: '1', val_loss: '2', grad_norm: '0' });
    const r250 = at(rows[251]);
    expect(r250).toMatchObject({ step: '250', epoch: '0', lr: '0.025', expected_lr: '0.025', val_loss: '' });
    expect(Number(r250.loss)).toBe(1 / 251);
    expect(at(rows[11_998])).toMatchObject({ step: '11997', grad_norm: String(11_997 / 7), val_loss: '' });
    expect(at(rows[12_000])).toMatchObject({ step: '11999', grad_norm: '', val_loss: '' });
    expect(rows.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(points.map((p) => p.step));
  });

  it('exports the runs table as filtered, all of it, with text made safe for spreadsheets', async () => {
    const k = projectKey(server, 'csv-team');
    const a = await create({ name: '=cmd|calc', project: 'csv-team', tags: ['x', 'y'] }, k);
    const b = await create({ name: 'plain', project: 'csv-team' }, k);
    const hidden = await create({ name: 'archived one', project: 'csv-team' }, k);
    data(await mutate(server.url, 'runs.archive', { runId: hidden, archived: true }, k));
    const res = await fetch(`${server.url}/api/runs.csv?project=csv-team`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="runs-csv-team.csv"');
    const rows = lines(await res.text());
    expect(rows[0]).toBe('id,name,project,status,tags,started_at,last_seen_at,finished_at,last_step,last_lr,expected_lr,last_loss,points,flagged,causes,archived_at');
    expect(rows.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([b, a]);
    expect(rows[2]).toContain(`${a},'=cmd|calc,csv-team,running,x y,`);
    const withArchived = lines(await (await fetch(`${server.url}/api/runs.csv?project=csv-team&archived=only`)).text());
    expect(withArchived.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([hidden]);
    const bad = await fetch(`${server.url}/api/runs.csv?status=sleeping`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/status.*running, finished, crashed, stalled/);
  });

  it('answers 404 for an unknown or deleted run, and 405 for anything but GET', async () => {
    expect((await fetch(`${server.url}/api/runs/999999/points.csv`)).status).toBe(404);
    const id = await create({ name: 'short-lived' });
    data(await mutate(server.url, 'runs.delete', { runId: id }, server.apiKey));
    expect((await fetch(`${server.url}/api/runs/${id}/points.csv`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/runs.csv`, { method: 'POST' })).status).toBe(405);
  });
});

describe('CSV exports behind a dashboard token', () => {
  const TOKEN = 'export-token-123456';
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { LRSCOPE_DASHBOARD_TOKEN: TOKEN } });
  });
  afterAll(() => server?.stop());

  it('takes the token, or a project key for its own project only', async () => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'guarded' }, server.apiKey)).id;
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1 }] }, server.apiKey));
    const url = `${server.url}/api/runs/${id}/points.csv`;
    const auth = (v: string) => ({ headers: { authorization: `Bearer ${v}` } });
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, auth('wrong'))).status).toBe(401);
    expect(await (await fetch(url, auth(TOKEN))).text()).toBe('step,epoch,time,lr,expected_lr,loss\r\n0,,,0.1,,\r\n');
    expect((await fetch(url, auth(server.apiKey))).status).toBe(200);
    const other = projectKey(server, 'elsewhere');
    expect((await fetch(url, auth(other))).status).toBe(403);
    const mine = lines(await (await fetch(`${server.url}/api/runs.csv`, auth(other))).text());
    expect(mine, "a key sees its own project's runs only").toHaveLength(1);
    expect((await fetch(`${server.url}/api/runs.csv?project=default`, auth(other))).status).toBe(403);
  });
});
