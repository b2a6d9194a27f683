import type { Verdict } from '@/lib/verdict';
import type { AlertDeps } from './deps';
import { raiseAlert } from './raise-alert';
import { resolveAlert } from './resolve-alert';
import { getRules } from './rules';

export interface BatchHints {
  /** The loss at the batch's highest step was NaN or infinite (true), finite (false), or absent. */
  latestLossNonFinite?: boolean;
}

/**
 * Brings a run's open alerts in line with its state: flagged verdict, stalled status, and
 * (from the batch just stored) a non-finite loss. Raising is idempotent, so calling this on
 * every batch sends one notification per problem, not one per batch.
 */
export async function syncRunAlerts(deps: AlertDeps, runId: number, hints: BatchHints = {}): Promise<void> {
  const run = await deps.db.prisma.run.findUnique({ where: { id: runId }, select: { projectId: true, status: true, verdict: true } });
  if (!run) return;
  const rules = await getRules(deps.db.prisma, run.projectId);
  const verdict = run.verdict as Verdict | null;
  const alerting = verdict?.flagged ? verdict.causes.filter((c) => rules.causes.includes(c)) : [];
  if (verdict && alerting.length > 0) {
    await raiseAlert(deps, {
      runId,
      kind: 'flagged',
      cause: alerting[0],
      causes: verdict.causes,
      message: verdict.message,
      step: verdict.firstBadStep,
      expected: verdict.expected,
      actual: verdict.actual,
      quietSeconds: rules.quietSeconds,
    });
  } else {
    await resolveAlert(deps, runId, 'flagged');
  }
  if (run.status === 'stalled') {
    await raiseAlert(deps, { runId, kind: 'stalled', message: `No data for over ${Math.round(rules.stallSeconds / 60)} min while running.`, quietSeconds: rules.quietSeconds });
  } else {
    await resolveAlert(deps, runId, 'stalled');
  }
  if (hints.latestLossNonFinite === true && rules.nonfiniteLoss) {
    await raiseAlert(deps, { runId, kind: 'nonfinite_loss', message: 'The latest logged loss is NaN or infinite.', quietSeconds: rules.quietSeconds });
  } else if (hints.latestLossNonFinite === false || !rules.nonfiniteLoss) {
    await resolveAlert(deps, runId, 'nonfinite_loss');
  }
}
