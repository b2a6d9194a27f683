import type { AlertKind } from '@/lib/alerts/webhook-body';
import type { Prisma } from '../db/open-database';

export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface AlertView {
  id: number;
  kind: string;
  state: AlertState;
  cause: string | null;
  message: string;
  step: number | null;
  expected: number | null;
  actual: number | null;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  run: { id: number; name: string; project: string };
  /** Its webhook notifications: what was sent where, and how it went. */
  deliveries: { id: number; event: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null }[];
}

export interface AlertFilter {
  /** "active" = open or acknowledged. */
  state?: AlertState | 'active';
  project?: string;
  kind?: AlertKind;
  runId?: number;
}

export interface ListAlertsInput extends AlertFilter {
  cursor?: number;
  limit?: number;
}

export interface AlertsPage {
  alerts: AlertView[];
  nextCursor: number | null;
  /** Open (unacknowledged) alerts matching the filter, all of them, not only this page's. */
  openCount: number;
  /** Alerts matching the filter (state included), all of them, per kind. */
  kinds: { kind: string; count: number }[];
}

/** The Prisma condition for a filter; shared by listing and bulk acknowledgement. */
export function alertWhere(f: AlertFilter): object {
  return {
    ...(f.state === 'active' ? { state: { in: ['open', 'acknowledged'] } } : f.state ? { state: f.state } : {}),
    ...(f.project !== undefined && { project: { name: f.project } }),
    ...(f.kind !== undefined && { kind: f.kind }),
    ...(f.runId !== undefined && { runId: f.runId }),
  };
}

export async function listAlerts(prisma: Prisma, input: ListAlertsInput): Promise<AlertsPage> {
  const limit = input.limit ?? 50;
  const where = alertWhere(input);
  const { state: _state, ...rest } = input;
  const [rows, openCount, kinds] = await Promise.all([
    prisma.alert.findMany({
      where: { ...where, ...(input.cursor !== undefined && { id: { lt: input.cursor } }) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: {
        run: { select: { id: true, name: true, project: { select: { name: true } } } },
        deliveries: { select: { id: true, event: true, state: true, attempts: true, lastStatus: true, lastError: true }, orderBy: { id: 'asc' } },
      },
    }),
    prisma.alert.count({ where: alertWhere({ ...rest, state: 'open' }) }),
    prisma.alert.groupBy({ by: ['kind'], where, _count: { _all: true }, orderBy: { kind: 'asc' } }),
  ]);
  const page = rows.slice(0, limit);
  return {
    alerts: page.map((a) => ({
      id: a.id,
      kind: a.kind,
      state: a.state as AlertState,
      cause: a.cause,
      message: a.message,
      step: a.step,
      expected: a.expected,
      actual: a.actual,
      openedAt: a.openedAt.toISOString(),
      acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      run: { id: a.run.id, name: a.run.name, project: a.run.project.name },
      deliveries: a.deliveries,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    openCount,
    kinds: kinds.map((k) => ({ kind: k.kind, count: k._count._all })),
  };
}
