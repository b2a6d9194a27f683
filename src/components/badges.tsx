// Status and verdict badges: colour plus words (and a symbol), never colour alone.
import { type HealthIssue, healthWords } from '@/lib/ui/health';
import { verdictBadge } from '@/lib/ui/verdict-words';
import type { Verdict } from '@/lib/verdict';

const STATUS: Record<string, { tone: string; title: string }> = {
  running: { tone: 'info running', title: 'Receiving points' },
  finished: { tone: 'muted', title: 'Finished normally' },
  crashed: { tone: 'bad', title: 'Ended with an error' },
  stalled: { tone: 'warn', title: 'No points for a while; the trainer may be stuck or gone' },
};

export function StatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { tone: 'muted', title: status };
  return (
    <span className={`badge ${s.tone}`} title={s.title} data-testid="status-badge">
      {status}
    </span>
  );
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const b = verdictBadge(verdict);
  return (
    <span className={`badge ${b.tone}`} title={b.title} data-testid="verdict-badge" data-kind={verdict.kind}>
      <span className="label">{b.label}</span>
    </span>
  );
}

export function HealthBadge({ health }: { health: HealthIssue[] }) {
  const h = healthWords(health);
  return (
    <span className={`badge ${h.tone}`} title={h.title} data-testid="health-badge" data-health={health[0]?.kind ?? 'ok'}>
      <span className="label">{h.label}</span>
    </span>
  );
}
