// What the periodic sweep repairs and the channel rules, against a real temporary SQLite
// database, an injected clock and a real local webhook receiver.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWebhook } from '@/server/alerts/add-webhook';
import { deliverDue } from '@/server/alerts/deliver-due';
import type { AlertDeps } from '@/server/alerts/deps';
import { listDeliveries } from '@/server/alerts/list-deliveries';
import { listWebhooks } from '@/server/alerts/list-webhooks';
import { notifyQuietedAlerts } from '@/server/alerts/notify-quieted-alerts';
import { raiseAlert } from '@/server/alerts/raise-alert';
import { reconcileAlerts } from '@/server/alerts/reconcile-alerts';
import { resolveAlert } from '@/server/alerts/resolve-alert';
import { sweepStalledRuns } from '@/server/alerts/sweep-stalled-runs';
import { updateRules } from '@/server/alerts/update-rules';
import type { Db } from '@/server/db/open-database';
import { openTempDb } from '../../helpers/temp-db';
import { type Receiver, startReceiver } from '../../helpers/webhook-receiver';

let db: Db;
let receiver: Receiver;
let clock: number;
let deps: AlertDeps;
let runId: number;
let projectId: number;

const flagged = { kind: 'flagged', flagged: true, causes: ['stepped_per_epoch', 'stuck'], message: 'The LR is stuck at 5e-4.', firstBadStep: 10000, expected: 4e-4, actual: 5e-4, warnings: [] };
const ok = { kind: 'ok', flagged: false, causes: [], message: 'The LR follows the schedule.', warnings: [] };

beforeEach(async () => {
  db = await openTempDb();
  receiver = await startReceiver();
  clock = Date.parse('2026-11-24T12:00:00Z');
  deps = { db, settings: { publicUrl: 'http://lrscope.test' }, now: () => new Date(clock), fetch };
  projectId = (await db.prisma.project.create({ data: { name: 'tts' } })).id;
  runId = (await db.prisma.run.create({ data: { projectId, name: 'xtts-ft', startedAt: new Date(clock), lastSeenAt: new Date(clock) } })).id;
  await addWebhook(db.prisma, 'tts', receiver.url, 'receiver-secret');
});
afterEach(async () => {
  await receiver.close();
  await db.close();
});

const events = async () => (await db.prisma.alertDelivery.findMany({ orderBy: { id: 'asc' } })).map((d) => d.event);
const setVerdict = (v: object) => db.prisma.run.update({ where: { id: runId }, data: { verdict: v, flagged: (v as { flagged: boolean }).flagged } });

describe('reconciling alerts with runs', () => {
  it('resolves an alert whose run stopped being flagged without a batch (runs.update with a corrected schedule)', async () => {
    await setVerdict(flagged);
    expect(await reconcileAlerts(deps)).toEqual([runId]);
    expect(await db.prisma.alert.count({ where: { state: 'open' } })).toBe(1);
    expect(await reconcileAlerts(deps), 'nothing out of step: nothing to do').toEqual([]);
    await setVerdict(ok);
    expect(await reconcileAlerts(deps)).toEqual([runId]);
    expect(await db.prisma.alert.count({ where: { state: 'resolved' } })).toBe(1);
    expect(await events()).toEqual(['raised', 'resolved']);
  });

  it('raises for a flagged run whose alert was never synced (a crash after the batch committed), but not for old runs', async () => {
    const old = (await db.prisma.run.create({ data: { projectId, name: 'last-month', flagged: true, verdict: flagged, lastSeenAt: new Date(clock - 30 * 86_400_000) } })).id;
    await setVerdict(flagged);
    expect(await reconcileAlerts(deps)).toEqual([runId]);
    expect((await db.prisma.alert.findMany()).map((a) => a.runId)).toEqual([runId]);
    expect(await db.prisma.alert.count({ where: { runId: old } })).toBe(0);
  });

  it('applies a rules change to open alerts at once', async () => {
    await setVerdict(flagged);
    await reconcileAlerts(deps);
    await updateRules(deps, 'tts', { causes: ['never_stepped', 'never_stepped'] });
    expect((await db.prisma.alert.findFirstOrThrow()).state).toBe('resolved');
    expect((await db.prisma.alertRule.findFirstOrThrow()).causes).toEqual(['never_stepped']);
  });
});

describe('the quiet period', () => {
  it('holds back the raise of a problem that came back, and sends it when the period ends if it is still open', async () => {
    const input = { runId, kind: 'flagged' as const, message: 'stuck', quietSeconds: 300 };
    await raiseAlert(deps, input);
    await resolveAlert(deps, runId, 'flagged');
    clock += 60_000;
    const again = await raiseAlert(deps, input);
    expect(await events()).toEqual(['raised', 'resolved']);
    clock += 200_000;
    expect(await notifyQuietedAlerts(deps), 'still within the quiet period').toEqual([]);
    clock += 41_000;
    expect(await notifyQuietedAlerts(deps)).toEqual([again]);
    expect(await notifyQuietedAlerts(deps), 'once').toEqual([]);
    expect(await events()).toEqual(['raised', 'resolved', 'raised']);
  });

  it('keeps quiet an alert raised before the project had any channel', async () => {
    await db.prisma.webhookChannel.deleteMany();
    await raiseAlert(deps, { runId, kind: 'stalled', message: 'quiet', quietSeconds: 0 });
    await addWebhook(db.prisma, 'tts', receiver.url, 'receiver-secret');
    clock += 3_600_000;
    expect(await notifyQuietedAlerts(deps)).toEqual([]);
    expect(await events()).toEqual([]);
  });
});

describe('stalls after a restart', () => {
  it('counts silence only from when the server came up: an outage does not stall every live run', async () => {
    clock += 3_600_000;
    const upSince = new Date(clock);
    clock += 599_000;
    expect(await sweepStalledRuns(deps, upSince)).toEqual([]);
    clock += 2_000;
    expect(await sweepStalledRuns(deps, upSince)).toEqual([runId]);
  });
});

describe('channels', () => {
  it('shows a generated secret once, never echoes a chosen one, and lists both as hints with the URL shortened', async () => {
    const generated = await addWebhook(db.prisma, 'tts', 'https://hooks.slack.com/services/T0AAAA/B0BBBB/abcdefghijklmnopWXYZ');
    expect(generated.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const chosen = await addWebhook(db.prisma, 'tts', 'https://example.com/other', 'my-own-secret-value');
    expect(chosen).not.toHaveProperty('secret');
    const listed = JSON.stringify(await listWebhooks(db.prisma, 'tts'));
    expect(listed).not.toContain(generated.secret!);
    expect(listed).not.toContain('my-own-secret-value');
    expect(listed).not.toContain('abcdefghijklmnop');
    expect(listed).toContain('https://hooks.slack.com/services/…WXYZ');
  });

  it('refuses the same URL twice in a project', async () => {
    await expect(addWebhook(db.prisma, 'tts', receiver.url)).rejects.toThrow(/already sends to this webhook/);
  });

  it('tries a failing receiver once per pass, so it neither hogs the pass nor gets hammered', async () => {
    const other = await startReceiver();
    try {
      receiver.failWith([503, 503, 503, 503]);
      await addWebhook(db.prisma, 'tts', other.url, 'other-secret');
      for (let i = 0; i < 3; i++) await raiseAlert(deps, { runId, kind: 'flagged', message: `x${i}`, quietSeconds: 0 }).then(() => resolveAlert(deps, runId, 'flagged'));
      // 3 raises + 3 resolves to each of two channels = 12 deliveries.
      const outcome = await deliverDue(deps);
      expect(outcome).toEqual({ sent: 6, retrying: 1, failed: 0 });
      expect(other.received).toHaveLength(6);
      const states = await listDeliveries(db.prisma, { project: 'tts', limit: 100 });
      expect(states.filter((d) => d.state === 'pending' && d.attempts === 0)).toHaveLength(5);
    } finally {
      await other.close();
    }
  });
});
