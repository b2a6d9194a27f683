import type { AlertDeps } from './deps';
import { findProjectId } from './find-project-id';
import type { ChangeScope } from './scope';
import { type AlertRules, setRules } from './rules';
import { syncRunAlerts } from './sync-run-alerts';

/**
 * Saves a project's rules and applies them to its open alerts at once: an alert whose cause was
 * just switched off resolves now, not on the run's next batch. (Newly chosen causes are picked
 * up by the sweep's reconciliation, which re-checks recently active flagged runs.)
 */
export async function updateRules(deps: AlertDeps, project: string, patch: Partial<AlertRules>, scope: ChangeScope = null): Promise<AlertRules> {
  const projectId = await findProjectId(deps.db.prisma, project, scope);
  const rules = await setRules(deps.db.prisma, projectId, { ...patch, ...(patch.causes && { causes: [...new Set(patch.causes)] }) }, deps.now());
  const open = await deps.db.prisma.alert.findMany({ where: { projectId, openKey: { not: null } }, distinct: ['runId'], select: { runId: true } });
  for (const { runId } of open) await syncRunAlerts(deps, runId);
  return rules;
}
