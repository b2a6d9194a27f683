// Which procedures need which credential, for the checks made before tRPC runs (the procedures
// themselves check again: see trpc.ts).

/** Run writes: a project API key (runs.update also takes the signed-in dashboard, see trpc.ts). */
export const INGEST_PROCEDURES = new Set(['runs.create', 'runs.log', 'runs.update', 'runs.finish', 'sources.append']);

/** Procedures whose request body may use the ingest size limit (points; log bytes shipped by
 * `python -m lrscope watch`); everything else gets the small one. */
export const LARGE_BODY_PROCEDURES = new Set(['runs.log', 'sources.append']);

/** Changes from the dashboard or a script: a project API key for that project, or the signed-in dashboard. */
export const CHANGE_PROCEDURES = new Set([
  'alerts.acknowledge',
  'alerts.acknowledgeMany',
  'alerts.setRules',
  'alerts.addWebhook',
  'alerts.removeWebhook',
  'alerts.sendTest',
  'runs.archive',
  'runs.delete',
  'projects.setRetention',
]);

/** Reads: open unless LRSCOPE_DASHBOARD_TOKEN is set. */
export function isRead(procedure: string): boolean {
  return !INGEST_PROCEDURES.has(procedure) && !CHANGE_PROCEDURES.has(procedure);
}

export function isLiveFeed(procedure: string): boolean {
  return procedure.startsWith('live.');
}
