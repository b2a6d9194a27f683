// The webhook body: Slack-compatible (`text`) plus structured fields receivers can use.
import type { Cause } from '../verdict';

export type AlertKind = 'flagged' | 'stalled' | 'nonfinite_loss';
export type AlertEvent = 'raised' | 'resolved' | 'test';

export interface AlertFacts {
  id: number | null;
  kind: AlertKind;
  /** The first of the verdict's causes that the project's rules alert on. */
  cause: Cause | null;
  /** Every cause the detector named, most specific first. */
  causes: Cause[];
  message: string;
  step: number | null;
  expected: number | null;
  actual: number | null;
}

export interface RunFacts {
  id: number;
  name: string;
  project: string;
}

export interface WebhookBody {
  text: string;
  event: AlertEvent;
  alert: AlertFacts & { kindLabel: string };
  run: RunFacts & { url: string };
}

const KIND_LABEL: Record<AlertKind, string> = {
  flagged: 'LR schedule not taking effect',
  stalled: 'run stopped reporting',
  nonfinite_loss: 'loss is not finite',
};

function fmt(x: number | null): string {
  return x === null ? '?' : Number(x.toPrecision(4)).toString();
}

/**
 * Slack reads `<...>` in text as links and mentions (`<!channel>`, `<https://x|fake label>`), so
 * names a trainer chose are escaped the way Slack documents (&, <, >); the structured fields keep
 * them as they are.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webhookBody(event: AlertEvent, alert: AlertFacts, run: RunFacts, publicUrl: string): WebhookBody {
  const url = `${publicUrl.replace(/\/$/, '')}/runs/${run.id}${alert.step !== null ? `?step=${alert.step}` : ''}`;
  const [name, project] = [slackEscape(run.name), slackEscape(run.project)];
  const head =
    event === 'test'
      ? `lrscope test alert for project ${project}: webhooks are set up.`
      : event === 'resolved'
        ? `Resolved: run ${name} (#${run.id}, ${project}): ${KIND_LABEL[alert.kind]}.`
        : `Run ${name} (#${run.id}, ${project}): ${KIND_LABEL[alert.kind]}. ${slackEscape(alert.message)}`;
  const numbers =
    event === 'raised' && alert.kind === 'flagged'
      ? ` First bad step ${alert.step ?? '?'}: expected LR ${fmt(alert.expected)}, actual ${fmt(alert.actual)}.`
      : '';
  return {
    text: `${head}${numbers} <${url}|Open run>`,
    event,
    alert: { ...alert, kindLabel: KIND_LABEL[alert.kind] },
    run: { ...run, url },
  };
}
