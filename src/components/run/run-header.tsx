// A run's page head: where it lives, its full name (wrapped, never widening the page), status,
// LR verdict and health side by side, and the figures people check first.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { HealthBadge, StatusBadge, VerdictBadge } from '@/components/badges';
import { LiveIndicator } from '@/components/states';
import { Ago, LocalDateTime } from '@/components/time';
import { formatLr, formatStep, formatValue } from '@/lib/ui/format';
import type { Run } from '@/trpc/types';

/** `readAt`: when the run was read (its "last seen" is shown as of then until the page runs). */
export function RunHeader({ run: r, readAt, firstPointAt, liveStatus }: { run: Run; readAt: number; firstPointAt: string | null; liveStatus: 'idle' | 'connecting' | 'pending' | 'error' }) {
  const lossBroken = r.health.some((h) => h.kind === 'nonfinite_loss');
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted" style={{ marginBottom: 6 }}>
        <Link href="/" prefetch={false}>
          Runs
        </Link>{' '}
        /{' '}
        <Link href={`/?project=${encodeURIComponent(r.project)}`} prefetch={false}>
          {r.project}
        </Link>
      </nav>
      <div className="page-head">
        {/* At most three lines, so the verdict stays in view; the whole name on hover and focus. */}
        <h1 data-testid="run-name" className="clamp-3" title={r.name} tabIndex={0}>
          {r.name}
        </h1>
      </div>
      <div className="health-line" data-testid="run-badges">
        <StatusBadge status={r.status} />
        <VerdictBadge verdict={r.verdict} />
        <HealthBadge health={r.health} />
        {r.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        <span style={{ flex: 1 }} />
        <LiveIndicator status={liveStatus} />
      </div>
      <dl className="stats">
        <Stat label="Last step" value={formatStep(r.lastStep)} testId="stat-last-step" />
        <Stat label="LR now" value={formatLr(r.lastLr)} testId="stat-lr" />
        <Stat label="Expected LR now" value={formatLr(r.expectedLr)} />
        <Stat label="Loss" value={lossBroken ? 'NaN or ∞' : formatValue(r.lastLoss)} testId="stat-loss" />
        <Stat label="Points" value={formatStep(r.pointCount)} />
        <Stat label="Started" value={<LocalDateTime iso={firstPointAt ?? r.startedAt} />} title={firstPointAt ? 'Time of the first logged point' : 'No point carries a time yet: when the run was created'} testId="stat-started" />
        <Stat label="Last seen" value={<Ago iso={r.lastSeenAt} asOf={readAt} />} />
      </dl>
    </>
  );
}

function Stat({ label, value, testId, title }: { label: string; value: ReactNode; testId?: string; title?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} title={title}>
        {value}
      </dd>
    </div>
  );
}
