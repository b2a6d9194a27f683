// One run in the runs table; a card on a phone (see table.cards in globals.css).
import Link from 'next/link';
import { memo } from 'react';
import { HealthBadge, StatusBadge, VerdictBadge } from '@/components/badges';
import { Ago, LocalDateTime } from '@/components/time';
import { formatLr, formatStep } from '@/lib/ui/format';
import type { Run } from '@/trpc/types';

// Memoised: a live update of one run re-renders one row, not the hundred on screen.
export const RunRow = memo(function RunRow({ run, selected, onToggle, disabled }: { run: Run; selected: boolean; onToggle: (id: number) => void; disabled: boolean }) {
  return (
    <tr className={selected ? 'selected' : undefined} data-testid={`run-row-${run.id}`}>
      <td className="select">
        <input type="checkbox" checked={selected} disabled={disabled} onChange={() => onToggle(run.id)} aria-label={`Select ${run.name} for compare`} />
      </td>
      <td className="name truncate-host">
        {/* No prefetch as a hundred rows scroll into view: a click loads the run. */}
        <Link href={`/runs/${run.id}`} className="truncate" title={run.name} prefetch={false}>
          {run.name}
        </Link>
        {run.tags.length > 0 && (
          <span className="tags truncate">
            {run.tags.slice(0, 3).map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
            {run.tags.length > 3 && <span className="tag">+{run.tags.length - 3}</span>}
          </span>
        )}
      </td>
      <td className="hide-narrow" title={run.project}>
        {run.project}
      </td>
      <td className="inline">
        <StatusBadge status={run.status} />
      </td>
      <td className="num hide-narrow" data-testid="last-step">
        {formatStep(run.lastStep)}
      </td>
      <td className="num mono hide-narrow hide-md">{formatLr(run.lastLr)}</td>
      <td className="num mono hide-narrow hide-md">{formatLr(run.expectedLr)}</td>
      <td className="inline" data-testid="verdict-cell">
        <VerdictBadge verdict={run.verdict} />
      </td>
      <td className="inline">
        <HealthBadge health={run.health} />
      </td>
      <td className="hide-narrow hide-md" title={run.startedAt}>
        <LocalDateTime iso={run.startedAt} />
      </td>
      <td className="inline">
        {/* Counted to the table's clock (AgoClock). */}
        <Ago iso={run.lastSeenAt} />
      </td>
    </tr>
  );
});
