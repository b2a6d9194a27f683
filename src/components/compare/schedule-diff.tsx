// The compared runs' schedule specs side by side, and for each run after the first the step at
// which its expected LR parts from the first run's.
import { memo, startTransition, useEffect, useMemo, useState } from 'react';
import type { firstDivergence as FirstDivergence } from '@/lib/compare/schedule-divergence';
import { formatLr, formatStep, prettyJson } from '@/lib/ui/format';
import type { Run } from '@/trpc/types';
import { PALETTE } from './palette';

const sideKey = (r: Run) => `${r.id}:${r.lastStep}:${JSON.stringify(r.schedule)}:${r.stepsPerEpoch}`;

/**
 * The schedule library (every scheduler's formula and parameter rules), loaded when this section
 * is first drawn rather than with the page: a phone evaluates it after the charts, in a task of
 * its own.
 */
function useFirstDivergence(): typeof FirstDivergence | null {
  const [fn, setFn] = useState<{ f: typeof FirstDivergence } | null>(null);
  useEffect(() => {
    let live = true;
    // A transition: each run's scan below is a render React can pause between, not one long task.
    void import('@/lib/compare/schedule-divergence').then((m) => live && startTransition(() => setFn({ f: m.firstDivergence })));
    return () => {
      live = false;
    };
  }, []);
  return fn?.f ?? null;
}

export const ScheduleDiff = memo(function ScheduleDiff({ runs }: { runs: (Run | undefined)[] }) {
  const divergence = useFirstDivergence();
  const loaded = runs.filter((r): r is Run => !!r);
  if (loaded.length < 2) return null;
  return (
    // Run names may be one long word: they wrap rather than widen a phone's page.
    <section className="panel" aria-labelledby="cmp-schedule" data-testid="schedule-diff" style={{ overflowWrap: 'anywhere' }}>
      <h2 id="cmp-schedule">Schedules</h2>
      <ul data-testid="schedule-parting" aria-busy={!divergence}>
        {divergence ? loaded.slice(1).map((other) => <Parting key={other.id} first={loaded[0]} other={other} divergence={divergence} />) : <li className="muted">Comparing the schedules…</li>}
      </ul>
      <div className="grid-2">
        {loaded.map((r, i) => (
          <div key={r.id} style={{ minWidth: 0 }}>
            <h3 style={{ marginBottom: 4 }}>
              <span className="swatch" style={{ borderColor: PALETTE[i % PALETTE.length], marginRight: 6 }} aria-hidden="true" />
              {r.name}
            </h3>
            {r.schedule ? (
              <pre className="mono" style={{ whiteSpace: 'pre-wrap' }}>
                {prettyJson({ ...r.schedule, ...(r.stepsPerEpoch && { stepsPerEpoch: r.stepsPerEpoch }) })}
              </pre>
            ) : (
              <p className="muted">No schedule sent.</p>
            )}
          </div>
        ))}
      </div>
    </section>
  );
});

/**
 * Where one run's expected LR parts from the first run's. One component per run: each scans every
 * step, and React can pause between them while it draws the page, not in the middle of all nine.
 */
function Parting({ first, other, divergence }: { first: Run; other: Run; divergence: typeof FirstDivergence }) {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const d = useMemo(() => divergence(first, other, Math.max(first.lastStep ?? 0, other.lastStep ?? 0)), [divergence, sideKey(first), sideKey(other)]);
  return (
    <li>
      {d.kind === 'parts' ? (
        <>
          <strong>{other.name}</strong> parts from <strong>{first.name}</strong> at step {formatStep(d.step)}: expected LR {formatLr(d.b)} against {formatLr(d.a)}.
        </>
      ) : d.kind === 'same' ? (
        <>
          <strong>{other.name}</strong> and <strong>{first.name}</strong> expect the same LR at every step up to {formatStep(d.upTo)}.
        </>
      ) : (
        <>
          <strong>{other.name}</strong> against <strong>{first.name}</strong>: cannot compare, {d.reason}.
        </>
      )}
    </li>
  );
}
