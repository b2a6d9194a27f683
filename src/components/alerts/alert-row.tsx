// One alert in the alerts table (a card on a phone): state, what happened, the run and step.
import Link from 'next/link';
import { memo } from 'react';
import { LocalDateTime } from '@/components/time';
import { formatLr, formatStep } from '@/lib/ui/format';
import { CAUSE_SHORT } from '@/lib/ui/verdict-words';
import type { Cause } from '@/lib/verdict';
import type { Alert } from '@/trpc/types';
import { AlertDeliveries } from './delivery-badge';

const STATE_TONE: Record<string, string> = { open: 'bad', acknowledged: 'warn', resolved: 'ok' };

// Memoised: selecting or acknowledging one alert re-renders its row, not the hundreds listed.
export const AlertRow = memo(function AlertRow({ alert: a, selected, onSelect, onAck, onRun }: { alert: Alert; selected: boolean; onSelect: (id: number, on: boolean) => void; onAck: (id: number) => void; onRun: (runId: number) => void }) {
  const open = a.state === 'open';
  return (
    <tr data-testid={`alert-row-${a.id}`} className={selected ? 'selected' : undefined}>
      <td className="select">{open && <input type="checkbox" checked={selected} onChange={(e) => onSelect(a.id, e.target.checked)} aria-label={`Select the alert on ${a.run.name}`} />}</td>
      <td className="inline">
        <span className={`badge ${STATE_TONE[a.state] ?? 'muted'}`}>{a.state}</span>
      </td>
      <td className="name truncate-host">
        <Link href={`/runs/${a.run.id}`} className="truncate" title={a.run.name} prefetch={false}>
          {a.run.name}
        </Link>
        <span className="muted truncate">
          {a.run.project}
          {a.cause && a.cause in CAUSE_SHORT ? ` · ${CAUSE_SHORT[a.cause as Cause]}` : ''} ·{' '}
          <button type="button" className="linkish" onClick={() => onRun(a.run.id)}>
            only this run
          </button>
        </span>
      </td>
      <td className="num" data-label="Step">
        {a.step !== null ? <Link href={`/runs/${a.run.id}?step=${a.step}`} prefetch={false}>{formatStep(a.step)}</Link> : '—'}
      </td>
      <td className="wrap hide-narrow">
        <span className="clamp-2" title={a.message}>
          {a.message}
        </span>
        {a.expected !== null && a.actual !== null && (
          <span className="muted">
            {' '}
            (expected {formatLr(a.expected)}, actual {formatLr(a.actual)})
          </span>
        )}
      </td>
      <td className="hide-narrow hide-md">
        <AlertDeliveries deliveries={a.deliveries} />
      </td>
      <td className="inline" title={a.openedAt}>
        <LocalDateTime iso={a.openedAt} />
      </td>
      <td className="inline">
        {open ? (
          <button type="button" onClick={() => onAck(a.id)} data-testid={`acknowledge-${a.id}`}>
            Acknowledge
          </button>
        ) : (
          <span title={a.state === 'resolved' ? 'Resolved' : 'Acknowledged'}><LocalDateTime iso={a.resolvedAt ?? a.acknowledgedAt} /></span>
        )}
      </td>
    </tr>
  );
});
