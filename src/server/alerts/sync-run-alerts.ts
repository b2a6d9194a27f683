import type { AlertKind } from '@/lib/alerts/webhook-body';
import type { Verdict } from '@/lib/verdict';
import type { AlertDeps } from './deps';
import { openKey, raiseAlert } from './raise-alert';
import { resolveAlert } from './resolve-alert';
import { rulesFromRow } from './rules';

export interface BatchHints {
  /** The loss at the batch's highest step was NaN or infinite (true), finite (false), or absent. */
  latestLossNonFinite?: boolean;
  /** With latestLossNonFinite: the first step of the batch's trailing non-finite losses. */
  nonFiniteLossStep?: number;
}

const KINDS: AlertKind[] = ['flagged', 'stalled', 'nonfinite_loss'];

/**
 * Brings a run's open alerts in line with its state: flagged verdict, stalled status, and
 * (from the batch just stored) a non-finite loss. Raising is idempotent, so calling this on
 * every batch sends one notification per problem, not one per batch. An archived run's alerts
 * are resolved and it raises none. Returns whether it
 * raised or resolved anything.
 *
 * It runs after every batch, so what it decides from (the run, its project's rules, which
 * alerts are open) is one read through the point store; raiseAlert and resolveAlert, which
 * check again and write through Prisma, run only when the open alerts must change. Skipping
 * them otherwise is exactly their own early return (already open / nothing open).
 */
export async function syncRunAlerts(deps: AlertDeps, runId: number, hints: BatchHints = {}): Promise<boolean> {
  const keys = KINDS.map((kind) => openKey(runId, kind));
  const run = await deps.db.points.alertInputs(runId, keys);
  if (!run) return false;
  const open = new Set(KINDS.filter((_, i) => run.openKeys.includes(keys[i])));
  const rules = rulesFromRow(run.rules);
  let changed = false;
  const raise = async (input: Parameters<typeof raiseAlert>[1]) => {
    if (!open.has(input.kind) && (await raiseAlert(deps, input)) !== null) changed = true;
  };
  const resolve = async (kind: AlertKind) => {
    if (open.has(kind) && (await resolveAlert(deps, runId, kind)) !== null) changed = true;
  };

  if (run.muted) {
    for (const kind of KINDS) await resolve(kind);
    return changed;
  }
  const verdict = run.verdict as Verdict | null;
  const alerting = verdict?.flagged ? verdict.causes.filter((c) => rules.causes.includes(c)) : [];
  if (verdict && alerting.length > 0) {
    await raise({
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
    await resolve('flagged');
  }
  if (run.status === 'stalled') {
    await raise({ runId, kind: 'stalled', message: `No data for over ${Math.round(rules.stallSeconds / 60)} min while running.`, quietSeconds: rules.quietSeconds });
  } else {
    await resolve('stalled');
  }
  if (hints.latestLossNonFinite === true && rules.nonfiniteLoss) {
    await raise({ runId, kind: 'nonfinite_loss', message: 'The latest logged loss is NaN or infinite.', step: hints.nonFiniteLossStep, quietSeconds: rules.quietSeconds });
  } else if (hints.latestLossNonFinite === false || !rules.nonfiniteLoss) {
    await resolve('nonfinite_loss');
  }
  return changed;
}
