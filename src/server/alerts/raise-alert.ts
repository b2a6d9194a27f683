import type { AlertKind } from '@/lib/alerts/webhook-body';
import type { Cause } from '@/lib/verdict';
import type { AlertDeps } from './deps';
import { notifyRaised } from './notify-raised';

export interface RaiseInput {
  runId: number;
  kind: AlertKind;
  cause?: Cause;
  causes?: Cause[];
  message: string;
  step?: number;
  expected?: number;
  actual?: number;
  quietSeconds: number;
}

export function openKey(runId: number, kind: AlertKind): string {
  return `${runId}:${kind}`;
}

/**
 * Opens an alert unless one is already open for the run and kind (the unique openKey makes
 * that hold between instances too) and queues its notifications in the same transaction.
 * Returns the new alert's id, or null when one was already open.
 */
export async function raiseAlert(deps: AlertDeps, input: RaiseInput): Promise<number | null> {
  const { prisma } = deps.db;
  const key = openKey(input.runId, input.kind);
  if (await prisma.alert.findUnique({ where: { openKey: key }, select: { id: true } })) return null;
  const now = deps.now();
  try {
    const id = await prisma.$transaction(async (tx) => {
      const run = await tx.run.findUniqueOrThrow({ where: { id: input.runId }, select: { projectId: true } });
      const alert = await tx.alert.create({
        data: {
          projectId: run.projectId,
          runId: input.runId,
          kind: input.kind,
          openKey: key,
          cause: input.cause,
          causes: input.causes,
          message: input.message,
          step: input.step,
          expected: input.expected,
          actual: input.actual,
          openedAt: now,
        },
      });
      await notifyRaised(tx, deps, alert, input.quietSeconds);
      return alert.id;
    });
    deps.db.live.publish({ type: 'alert', alertId: id, runId: input.runId });
    return id;
  } catch (err) {
    // Another request or instance opened it between our check and insert.
    if ((err as { code?: string }).code === 'P2002') return null;
    throw err;
  }
}
