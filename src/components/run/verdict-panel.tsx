// The verdict in plain words: what is wrong, since which step, the likely cause and the fix.
import { VerdictBadge } from '@/components/badges';
import { explainVerdict } from '@/lib/ui/verdict-words';
import type { Verdict } from '@/lib/verdict';

/** `optimizer`: the panel of one optimizer's own verdict, in a run with several. */
export function VerdictPanel({ verdict, optimizer }: { verdict: Verdict; optimizer?: string }) {
  const e = explainVerdict(verdict);
  const tone = verdict.kind === 'flagged' ? 'bad' : verdict.kind === 'ok' ? 'ok' : '';
  const titleId = optimizer === undefined ? 'verdict-title' : `verdict-title-${optimizer}`;
  return (
    <section className={`panel verdict ${tone}`} aria-labelledby={titleId} data-testid={optimizer === undefined ? 'verdict-panel' : `verdict-panel-${optimizer}`}>
      <div className="row">
        <h2 id={titleId} style={{ margin: 0 }}>
          {optimizer === undefined ? 'Verdict' : `Verdict for optimizer ${optimizer}`}
        </h2>
        <VerdictBadge verdict={verdict} />
      </div>
      <p className="headline" data-testid="verdict-headline">
        {optimizer === undefined && verdict.optimizer !== undefined ? `Optimizer ${verdict.optimizer}: ${e.headline[0].toLowerCase()}${e.headline.slice(1)}` : e.headline}
      </p>
      {e.since && <p data-testid="verdict-since">{e.since}</p>}
      {e.causes.length > 0 && (
        <dl>
          {e.causes.map((c) => (
            <div key={c.code} style={{ display: 'contents' }}>
              <dt>Likely cause</dt>
              <dd>
                <strong>{c.name[0].toUpperCase() + c.name.slice(1)}.</strong> {c.cause}
              </dd>
              <dt>Fix</dt>
              <dd>{c.fix}</dd>
            </div>
          ))}
        </dl>
      )}
      {e.message && e.message !== e.headline && !verdict.explanation && (
        <p className="muted" style={{ marginBottom: 0 }} data-testid="verdict-message">
          {verdict.kind === 'flagged' ? 'Detector: ' : ''}
          {e.message}
        </p>
      )}
      {e.warnings.length > 0 && (
        // Why a run's LR is not exactly the spec's (a scale, skipped steps, off by one) and what
        // may go wrong later: read before muting a flag, or before trusting an "ok".
        <div data-testid="verdict-warnings">
          <h3 style={{ marginTop: 12 }}>{verdict.kind === 'ok' ? 'Tolerated, but worth knowing' : 'Warnings'}</h3>
          <ul className="muted" style={{ marginBottom: 0 }}>
            {e.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
