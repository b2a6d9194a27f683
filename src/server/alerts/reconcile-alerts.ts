import type { AlertDeps } from './deps';
import { syncRunAlerts } from './sync-run-alerts';

/** How far back a flagged or stalled run without its alert is still worth alerting on. */
const RECENT_MS = 24 * 3600 * 1000;

/**
 * Brings alerts in line with runs where syncing on each batch cannot: a verdict or status that
 * changed without a batch (runs.update with a corrected schedule, a rules change), or a server
 * killed between storing a batch and syncing its alerts. Runs on the sweep's timer and at
 * start-up; each query is indexed and returns only runs whose alerts are out of step, so a
 * quiet system costs four small queries. Returns the runs it synced.
 */
export async function reconcileAlerts(deps: AlertDeps): Promise<number[]> {
  const { prisma } = deps.db;
  const recent = new Date(deps.now().getTime() - RECENT_MS);
  const [cleared, resumed, archived, unflagged, unstalled] = await Promise.all([
    // Open alerts whose condition has gone.
    prisma.alert.findMany({ where: { openKey: { not: null }, kind: 'flagged', run: { flagged: false } }, select: { runId: true } }),
    prisma.alert.findMany({ where: { openKey: { not: null }, kind: 'stalled', run: { status: { not: 'stalled' } } }, select: { runId: true } }),
    prisma.alert.findMany({ where: { openKey: { not: null }, run: { archivedAt: { not: null } } }, select: { runId: true } }),
    // Conditions without their alert. Only recent runs: alerting on last month's runs the first
    // time a server with alerting starts would be a flood, not news.
    prisma.run.findMany({ where: { flagged: true, archivedAt: null, deletedAt: null, lastSeenAt: { gte: recent }, alerts: { none: { kind: 'flagged', openKey: { not: null } } } }, select: { id: true }, take: 100 }),
    prisma.run.findMany({ where: { status: 'stalled', archivedAt: null, deletedAt: null, lastSeenAt: { gte: recent }, alerts: { none: { kind: 'stalled', openKey: { not: null } } } }, select: { id: true }, take: 100 }),
  ]);
  const runIds = [...new Set([...cleared.map((a) => a.runId), ...resumed.map((a) => a.runId), ...archived.map((a) => a.runId), ...unflagged.map((r) => r.id), ...unstalled.map((r) => r.id)])];
  for (const id of runIds) await syncRunAlerts(deps, id);
  return runIds;
}
