// A run's health beside its LR verdict: the training itself going wrong (loss NaN or infinite,
// no data any more), with the step where it started, for the runs table, the run header and the
// charts. Pure.
import { formatStep } from './format';

export type HealthKind = 'nonfinite_loss' | 'stalled';

export interface HealthIssue {
  kind: HealthKind;
  /** The step where it started (the first non-finite loss; the last step before the silence); null if unknown. */
  step: number | null;
  /** When it was noticed (ISO). */
  since: string;
}

const ORDER: HealthKind[] = ['nonfinite_loss', 'stalled'];

/**
 * The run's health issues from its open alerts and status. A stalled run whose stall alert is off
 * (or not raised yet) is still stalled: it stopped at its last step.
 */
export function runHealth(status: string, alerts: { kind: string; step: number | null; since: string }[], last: { step: number | null; at: string }): HealthIssue[] {
  const out: HealthIssue[] = [];
  for (const kind of ORDER) {
    const a = alerts.find((x) => x.kind === kind);
    if (kind === 'stalled' && status !== 'stalled') continue;
    if (a) out.push({ kind, step: kind === 'stalled' ? (a.step ?? last.step) : a.step, since: a.since });
    else if (kind === 'stalled') out.push({ kind, step: last.step, since: last.at });
  }
  return out;
}

export interface HealthWords {
  tone: 'ok' | 'bad' | 'warn';
  /** Short, for the badge. */
  label: string;
  /** One sentence, for the title and the run header. */
  title: string;
}

const WORDS: Record<HealthKind, { tone: 'bad' | 'warn'; short: string; long: string }> = {
  nonfinite_loss: { tone: 'bad', short: 'Loss NaN/Inf', long: 'The loss is NaN or infinite' },
  stalled: { tone: 'warn', short: 'Stalled', long: 'No points have arrived for a while; the trainer may be stuck or gone' },
};

export function healthWords(issues: HealthIssue[]): HealthWords {
  if (issues.length === 0) return { tone: 'ok', label: 'Healthy', title: 'The loss is finite and points keep arriving.' };
  const first = issues[0];
  const w = WORDS[first.kind];
  const at = first.step !== null ? ` since step ${formatStep(first.step)}` : '';
  const more = issues.length > 1 ? ` (+${issues.length - 1})` : '';
  return { tone: w.tone, label: `${w.short}${at}${more}`, title: issues.map((i) => `${WORDS[i.kind].long}${i.step !== null ? ` since step ${formatStep(i.step)}` : ''}.`).join(' ') };
}

/** Where a chart marks the problem: the first non-finite loss. */
export function healthMarker(issues: HealthIssue[]): { step: number; label: string } | null {
  const nf = issues.find((i) => i.kind === 'nonfinite_loss' && i.step !== null);
  return nf ? { step: nf.step!, label: `loss NaN/Inf from step ${formatStep(nf.step!)}` } : null;
}
