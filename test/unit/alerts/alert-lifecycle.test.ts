// Alert use cases against a real (temporary) SQLite database, with an injected clock and a
// real local webhook receiver.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertDeps } from '@/server/alerts/deps';
import { backoffMs, deliverDue, MAX_ATTEMPTS } from '@/server/alerts/deliver-due';
import { raiseAlert } from '@/server/alerts/raise-alert';
import { resolveAlert } from '@/server/alerts/resolve-alert';
import { setRules } from '@/server/alerts/rules';
import { sweepStalledRuns } from '@/server/alerts/sweep-stalled-runs';
import { syncRunAlerts } from '@/server/alerts/sync-run-alerts';
import { addWebhook } from '@/server/alerts/add-webhook';
import { sendTestAlert } from '@/server/alerts/send-test-alert';
import type { Db } from '@/server/db/open-database';
import { openTempDb } from '../../helpers/temp-db';
import { type Receiver, signatureValid, startReceiver } from '../../helpers/webhook-receiver';

let db: Db;
let receiver: Receiver;
let clock: number;
let deps: AlertDeps;
let runId: number;
let projectId: number;

const SECRET = 'receiver-secret';
const flaggedVerdict = {
  kind: 'flagged',
  flagged: true,
  causes: ['stepped_per_epoch', 'stuck'],
  message: 'The LR is stuck at 5e-4 since step 10000 while the schedule asks for 4e-4.',
  firstBadStep: 10000,
  expected: 4e-4,
  actual: 5e-4,
  warnings: [],
};

beforeEach(async () => {
  db = await openTempDb();
  receiver = await startReceiver();
  clock = Date.parse('2026-11-24T12:00:00Z');
  deps = { db, settings: { publicUrl: 'http://lrscope.test' }, now: () => new Date(clock), fetch };
  projectId = (await db.prisma.project.create({ data: { name: 'tts' } })).id;
  runId = (await db.prisma.run.create({ data: { projectId, name: 'xtts-ft', startedAt: new Date(clock), lastSeenAt: new Date(clock) } })).id;
  await addWebhook(db.prisma, 'tts', receiver.url, SECRET);
});
afterEach(async () => {
  await receiver.close();
  await db.close();
});

async function deliveries() {
  return db.prisma.alertDelivery.findMany({ orderBy: { id: 'asc' } });
}

describe('raising and resolving', () => {
  it('opens one alert per run and kind however often it is raised, and notifies once', async () => {
    const input = { runId, kind: 'flagged' as const, cause: 'stuck' as const, message: 'stuck', quietSeconds: 300 };
    const first = await raiseAlert(deps, input);
    expect(first).toBeGreaterThan(0);
    expect(await raiseAlert(deps, input)).toBeNull();
    expect(await raiseAlert(deps, input)).toBeNull();
    expect(await db.prisma.alert.count()).toBe(1);
    expect(await deliveries()).toHaveLength(1);
  });

  it('resolving closes it, keeps it in history, and notifies that it cleared', async () => {
    const id = await raiseAlert(deps, { runId, kind: 'stalled', message: 'quiet', quietSeconds: 0 });
    clock += 60_000;
    expect(await resolveAlert(deps, runId, 'stalled')).toBe(id);
    expect(await resolveAlert(deps, runId, 'stalled')).toBeNull();
    const alert = await db.prisma.alert.findUniqueOrThrow({ where: { id: id! } });
    expect(alert).toMatchObject({ state: 'resolved', openKey: null });
    expect(alert.resolvedAt!.getTime()).toBe(clock);
    expect((await deliveries()).map((d) => d.event)).toEqual(['raised', 'resolved']);
  });

  it('a problem that comes back opens a new alert, but stays quiet within the quiet period', async () => {
    const input = { runId, kind: 'flagged' as const, message: 'x', quietSeconds: 300 };
    await raiseAlert(deps, input);
    await resolveAlert(deps, runId, 'flagged');
    clock += 120_000;
    const again = await raiseAlert(deps, input);
    expect(again).not.toBeNull();
    expect((await deliveries()).map((d) => d.event)).toEqual(['raised', 'resolved']);
    await resolveAlert(deps, runId, 'flagged');
    expect((await deliveries()).map((d) => d.event), 'an unnotified alert resolves quietly').toEqual(['raised', 'resolved']);
    clock += 301_000;
    await raiseAlert(deps, input);
    expect((await deliveries()).map((d) => d.event)).toEqual(['raised', 'resolved', 'raised']);
  });

  it('syncs from the verdict: raises with its cause, first bad step and LRs; resolves when it clears', async () => {
    await db.prisma.run.update({ where: { id: runId }, data: { verdict: flaggedVerdict, flagged: true, verdictKind: 'flagged' } });
    await syncRunAlerts(deps, runId);
    await syncRunAlerts(deps, runId);
    const open = await db.prisma.alert.findMany();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'flagged', cause: 'stepped_per_epoch', step: 10000, expected: 4e-4, actual: 5e-4, state: 'open' });
    await db.prisma.run.update({ where: { id: runId }, data: { verdict: { ...flaggedVerdict, kind: 'ok', flagged: false, causes: [] }, flagged: false } });
    await syncRunAlerts(deps, runId);
    expect((await db.prisma.alert.findFirstOrThrow()).state).toBe('resolved');
  });

  it('only the causes the project chose raise alerts', async () => {
    await setRules(db.prisma, projectId, { causes: ['never_stepped'] });
    await db.prisma.run.update({ where: { id: runId }, data: { verdict: flaggedVerdict, flagged: true } });
    await syncRunAlerts(deps, runId);
    expect(await db.prisma.alert.count()).toBe(0);
  });

  it('raises and resolves on a non-finite latest loss when the rule is on', async () => {
    await syncRunAlerts(deps, runId, { latestLossNonFinite: true });
    expect((await db.prisma.alert.findFirstOrThrow()).kind).toBe('nonfinite_loss');
    await syncRunAlerts(deps, runId, { latestLossNonFinite: false });
    expect((await db.prisma.alert.findFirstOrThrow()).state).toBe('resolved');
    await setRules(db.prisma, projectId, { nonfiniteLoss: false });
    await syncRunAlerts(deps, runId, { latestLossNonFinite: true });
    expect(await db.prisma.alert.count({ where: { state: 'open' } })).toBe(0);
  });
});

describe('stalled runs (injected clock)', () => {
  it('marks a running run stalled after the timeout, alerts once, and resolves when it reports again', async () => {
    clock += 599_000;
    expect(await sweepStalledRuns(deps)).toEqual([]);
    clock += 2_000;
    expect(await sweepStalledRuns(deps)).toEqual([runId]);
    expect(await sweepStalledRuns(deps)).toEqual([]);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('stalled');
    expect(await db.prisma.alert.findFirstOrThrow()).toMatchObject({ kind: 'stalled', state: 'open' });
    await db.points.logPoints(runId, [{ step: 0, lr: 0.1 }], new Date(clock));
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('running');
    await syncRunAlerts(deps, runId);
    expect((await db.prisma.alert.findFirstOrThrow()).state).toBe('resolved');
  });

  it('uses the project stall timeout and never stalls finished runs', async () => {
    await setRules(db.prisma, projectId, { stallSeconds: 60 });
    const done = (await db.prisma.run.create({ data: { projectId, name: 'done', status: 'finished', startedAt: new Date(clock), lastSeenAt: new Date(clock) } })).id;
    clock += 61_000;
    expect(await sweepStalledRuns(deps)).toEqual([runId]);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: done } })).status).toBe('finished');
  });
});

describe('webhook delivery', () => {
  async function raiseOne() {
    await raiseAlert(deps, { runId, kind: 'flagged', cause: 'stuck', message: 'The LR is stuck.', step: 10000, expected: 4e-4, actual: 5e-4, quietSeconds: 0 });
  }

  it('posts a Slack-compatible body signed with the channel secret', async () => {
    await raiseOne();
    expect(await deliverDue(deps)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const [got] = await receiver.waitFor(1);
    expect(signatureValid(SECRET, got.raw, got.signature)).toBe(true);
    expect(signatureValid('other', got.raw, got.signature)).toBe(false);
    expect(got.event).toBe('raised');
    expect(got.body.text).toContain('xtts-ft');
    expect(got.body.text).toContain('<http://lrscope.test/runs/');
    expect(got.body.alert).toMatchObject({ kind: 'flagged', cause: 'stuck', step: 10000, expected: 4e-4, actual: 5e-4 });
    expect(got.body.run).toMatchObject({ id: runId, name: 'xtts-ft', project: 'tts', url: `http://lrscope.test/runs/${runId}?step=10000` });
    expect((await deliveries())[0]).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
  });

  it('retries with backoff on 5xx until the receiver recovers', async () => {
    receiver.failWith([503, 500]);
    await raiseOne();
    expect(await deliverDue(deps)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect(await deliverDue(deps), 'not due again before its backoff').toEqual({ sent: 0, retrying: 0, failed: 0 });
    clock += 2_000;
    expect(await deliverDue(deps)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    clock += 3_000;
    expect(await deliverDue(deps)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it('gives up on a 4xx at once and after the last attempt on 5xx, recording why', async () => {
    receiver.failWith([404]);
    await raiseOne();
    expect(await deliverDue(deps)).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect((await deliveries())[0]).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 404, lastError: 'HTTP 404' });
    receiver.failWith(Array(MAX_ATTEMPTS).fill(500));
    await sendTestAlert(deps, 'tts');
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverDue(deps);
      clock += 400_000;
    }
    const test = (await deliveries())[1];
    expect(test).toMatchObject({ event: 'test', state: 'failed', attempts: MAX_ATTEMPTS, lastStatus: 500 });
  });

  it('records a network error and retries it', async () => {
    await db.prisma.webhookChannel.updateMany({ data: { url: 'http://127.0.0.1:9/unreachable' } });
    await raiseOne();
    expect(await deliverDue(deps)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect((await deliveries())[0].lastError).toBeTruthy();
  });

  it('sends again a notification whose sender died mid-send, once its lease ends, with the same delivery id', async () => {
    await raiseOne();
    // What a SIGKILL between the receiver's 200 and the record of it leaves behind.
    await db.prisma.alertDelivery.updateMany({ data: { state: 'sending', lockedUntil: new Date(clock + 30_000) } });
    expect(await deliverDue(deps), 'not while another sender may hold it').toEqual({ sent: 0, retrying: 0, failed: 0 });
    clock += 31_000;
    expect(await deliverDue(deps)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const [got] = await receiver.waitFor(1);
    expect(got.delivery).toBe(String((await deliveries())[0].id));
  });

  it('two delivery passes at once send each notification once', async () => {
    await raiseOne();
    const [a, b] = await Promise.all([deliverDue(deps), deliverDue(deps)]);
    expect(a.sent + b.sent).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('backoff doubles from about a second and is capped at five minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(1000);
    expect(backoffMs(2, () => 0.5)).toBe(2000);
    expect(backoffMs(20, () => 0.5)).toBe(300_000);
    expect(backoffMs(1, () => 0)).toBe(750);
  });

  it('also notifies the environment default channel', async () => {
    const other = await startReceiver();
    try {
      deps = { ...deps, settings: { ...deps.settings, webhookUrl: other.url, webhookSecret: 'env-secret-123' } };
      await raiseOne();
      await deliverDue(deps);
      const [got] = await other.waitFor(1);
      expect(signatureValid('env-secret-123', got.raw, got.signature)).toBe(true);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
