import type { AlertFacts, AlertKind, RunFacts } from '@/lib/alerts/webhook-body';
import type { Cause } from '@/lib/verdict';
import type { Tx } from './tx';

/** The columns of an Alert row that a notification reports. */
export interface AlertRow {
  id: number;
  kind: string;
  cause: string | null;
  causes: unknown;
  message: string;
  step: number | null;
  expected: number | null;
  actual: number | null;
}

export function alertFacts(a: AlertRow): AlertFacts {
  return {
    id: a.id,
    kind: a.kind as AlertKind,
    cause: (a.cause as Cause | null) ?? null,
    causes: Array.isArray(a.causes) ? (a.causes as Cause[]) : a.cause ? [a.cause as Cause] : [],
    message: a.message,
    step: a.step,
    expected: a.expected,
    actual: a.actual,
  };
}

export async function runFacts(tx: Tx, runId: number): Promise<RunFacts> {
  const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { id: true, name: true, project: { select: { name: true } } } });
  return { id: run.id, name: run.name, project: run.project.name };
}
