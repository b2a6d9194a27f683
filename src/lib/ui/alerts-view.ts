// The alerts page's state in its URL (which alerts, project, kind, run) and the words for alert
// kinds. Pure.

export const ALERT_KINDS = ['flagged', 'nonfinite_loss', 'stalled'] as const;
export type AlertKindName = (typeof ALERT_KINDS)[number];

export const KIND_WORDS: Record<string, string> = { flagged: 'LR off schedule', stalled: 'Run stalled', nonfinite_loss: 'Loss is NaN or infinite' };

export interface AlertsViewState {
  tab: 'active' | 'resolved';
  project?: string;
  kind?: AlertKindName;
  runId?: number;
}

export function parseAlertsView(params: { get(name: string): string | null }): AlertsViewState {
  const kind = params.get('kind');
  const run = Number(params.get('run'));
  return {
    tab: params.get('state') === 'resolved' ? 'resolved' : 'active',
    project: params.get('project') || undefined,
    kind: (ALERT_KINDS as readonly string[]).includes(kind ?? '') ? (kind as AlertKindName) : undefined,
    runId: Number.isInteger(run) && run > 0 ? run : undefined,
  };
}

/** Alerts read per view (newest first). */
export const ALERTS_LIMIT = 200;

/** alerts.list's input for a view: the same on the server (first view) and in the browser. */
export function alertsListInput(v: AlertsViewState) {
  return { state: v.tab, project: v.project, kind: v.kind, runId: v.runId, limit: ALERTS_LIMIT };
}

/** The project the settings page shows: the one asked for if it exists, else "default", else the first. */
export function settingsProject(names: string[], asked: string | undefined): string | undefined {
  return asked && names.includes(asked) ? asked : names.includes('default') ? 'default' : names[0];
}

export function alertsViewQuery(s: AlertsViewState): string {
  const q = new URLSearchParams();
  if (s.tab === 'resolved') q.set('state', 'resolved');
  if (s.project) q.set('project', s.project);
  if (s.kind) q.set('kind', s.kind);
  if (s.runId) q.set('run', String(s.runId));
  return q.toString();
}

/** Alerts in groups by kind, in the order of ALERT_KINDS (unknown kinds last), each newest first as given. */
export function groupByKind<A extends { kind: string }>(alerts: A[]): { kind: string; alerts: A[] }[] {
  const order = (k: string) => {
    const i = (ALERT_KINDS as readonly string[]).indexOf(k);
    return i < 0 ? ALERT_KINDS.length : i;
  };
  const groups = new Map<string, A[]>();
  for (const a of alerts) groups.set(a.kind, [...(groups.get(a.kind) ?? []), a]);
  return [...groups.entries()].sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0])).map(([kind, list]) => ({ kind, alerts: list }));
}
