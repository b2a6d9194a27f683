// The compared runs' schedule specs side by side, and for each run after the first the step at
// which its expected LR parts from the first run's.
import { useMemo } from 'react';
import { firstDivergence } from '@/lib/compare/schedule-divergence';
import { formatLr, formatStep, prettyJson } from '@/lib/ui/format';
import type { Run } from '@/trpc/types';
import { PALETTE } from './palette';

export function ScheduleDiff({ runs }: { runs: (Run | undefined)[] }) {
  const loaded = runs.filter((r): r is Run => !!r);
  const parts = useMemo(() => {
    const [first, ...rest] = loaded;
    return rest.map((r) => firstDivergence(first, r, Math.max(first.lastStep ?? 0, r.lastStep ?? 0)));
  }, [loaded.map((r) => `${r.id}:${r.lastStep}:${JSON.stringify(r.schedule)}:${r.stepsPerEpoch}`).join('|')]);
  if (loaded.length < 2) return null;
  return (
    // Run names may be one long word: they wrap rather than widen a phone's page.
    <section className="panel" aria-labelledby="cmp-schedule" data-testid="schedule-diff" style={{ overflowWrap: 'anywhere' }}>
      <h2 id="cmp-schedule">Schedules</h2>
      <ul data-testid="schedule-parting">
        {parts.map((d, i) => {
          const other = loaded[i + 1];
          return (
            <li key={other.id}>
              {d.kind === 'parts' ? (
                <>
                  <strong>{other.name}</strong> parts from <strong>{loaded[0].name}</strong> at step {formatStep(d.step)}: expected LR {formatLr(d.b)} against {formatLr(d.a)}.
                </>
              ) : d.kind === 'same' ? (
                <>
                  <strong>{other.name}</strong> and <strong>{loaded[0].name}</strong> expect the same LR at every step up to {formatStep(d.upTo)}.
                </>
              ) : (
                <>
                  <strong>{other.name}</strong> against <strong>{loaded[0].name}</strong>: cannot compare, {d.reason}.
                </>
              )}
            </li>
          );
        })}
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
}
