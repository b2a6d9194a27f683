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

export interface ListAlertsInput {
  /** "active" = open or acknowledged. */
  state?: AlertState | 'active';
  project?: string;
  runId?: number;
  cursor?: number;
  limit?: number;
}

export async function listAlerts(prisma: Prisma, input: ListAlertsInput): Promise<{ alerts: AlertView[]; nextCursor: number | null; openCount: number }> {
  const limit = input.limit ?? 50;
  const rows = await prisma.alert.findMany({
    where: {
      ...(input.state === 'active' ? { state: { in: ['open', 'acknowledged'] } } : input.state ? { state: input.state } : {}),
      ...(input.project !== undefined && { project: { name: input.project } }),
      ...(input.runId !== undefined && { runId: input.runId }),
      ...(input.cursor !== undefined && { id: { lt: input.cursor } }),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
    include: {
      run: { select: { id: true, name: true, project: { select: { name: true } } } },
      deliveries: { select: { id: true, event: true, state: true, attempts: true, lastStatus: true, lastError: true }, orderBy: { id: 'asc' } },
    },
  });
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
    openCount: await prisma.alert.count({ where: { state: 'open' } }),
  };
}
