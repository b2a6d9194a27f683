'use client';
// What the trainer will do with the schedule, in words: who steps it how often, whether that is
// what the schedule needs (and the fix when not), the detector's warnings, and the key numbers.
import type { PreviewOk } from '@/lib/preview';
import { formatLr, formatStep } from '@/lib/ui/format';
import styles from './preview.module.css';

function when(step: number | undefined, run: PreviewOk['run']): string {
  if (step === undefined) return 'never, in this run';
  const epoch = step / run.stepsPerEpoch;
  const at = `step ${formatStep(step)} (epoch ${formatStep(Number(epoch.toFixed(2)))})`;
  return step >= run.totalSteps ? `${at}: after the run ends` : at;
}

export function PreviewSummary({ result }: { result: PreviewOk }) {
  const mismatch = result.intended !== result.actual;
  const trouble = mismatch || result.warnings.length > 0;
  return (
    <section className="panel" aria-labelledby="summary-title" data-testid="preview-summary">
      <h2 id="summary-title" className={styles.headline}>
        {result.spec.name}, {result.intended === 'step' ? 'written in optimizer steps' : 'written in epochs'}
      </h2>
      <p data-testid="preview-cadence" style={{ margin: 0 }}>
        {result.cadence}
      </p>
      {trouble ? (
        <div className={styles.callout} role="status" data-testid="preview-warnings">
          {mismatch && (
            <p>
              <strong>The trainer will not produce the schedule as written.</strong> Both curves are drawn below.
            </p>
          )}
          {result.warnings.length > 0 && (
            <ul>
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {result.fix && (
            <p>
              <strong>Fix:</strong> {result.fix}
            </p>
          )}
        </div>
      ) : (
        <div className={`${styles.callout} ${styles.ok}`} data-testid="preview-ok">
          <p>The trainer steps this schedule as it is written. No warnings.</p>
        </div>
      )}
      <dl className={styles.facts}>
        <div>
          <dt>Run</dt>
          <dd>
            {formatStep(result.run.totalSteps)} steps ({formatStep(Number(result.run.epochs.toFixed(2)))} epochs × {formatStep(result.run.stepsPerEpoch)})
          </dd>
        </div>
        <div>
          <dt>First LR change{mismatch ? ', as written' : ''}</dt>
          <dd>{when(result.firstChange.intended, result.run)}</dd>
        </div>
        {mismatch && (
          <div>
            <dt>First LR change, as stepped</dt>
            <dd data-testid="first-change-actual">{when(result.firstChange.actual, result.run)}</dd>
          </div>
        )}
        <div>
          <dt>LR start → end</dt>
          <dd>
            {formatLr(result.lr.start)} → {formatLr(result.lr.end)}
          </dd>
        </div>
        <div>
          <dt>LR range</dt>
          <dd>
            {formatLr(result.lr.min)} … {formatLr(result.lr.max)}
          </dd>
        </div>
      </dl>
      {result.notes.length > 0 && (
        <ul className={styles.notes} aria-label="How the config was read">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
