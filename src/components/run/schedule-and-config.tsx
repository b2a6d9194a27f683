// The run's configured schedule (as sent) and its config.
import { formatLr, formatStep, prettyJson } from '@/lib/ui/format';
import type { Run } from '@/trpc/types';

export function ScheduleAndConfig({ run }: { run: Run }) {
  return (
    <div className="grid-2" style={{ marginTop: 12 }}>
      <section className="panel" aria-labelledby="schedule-title">
        <h2 id="schedule-title">Configured schedule</h2>
        {run.schedule ? (
          <>
            <dl className="kv">
              <dt>Scheduler</dt>
              <dd className="mono">{run.schedule.name}</dd>
              <dt>Stepped per</dt>
              <dd>{run.schedule.interval ?? 'not given (the scheduler’s usual cadence)'}</dd>
              {run.schedule.baseLr !== undefined && (
                <>
                  <dt>Base LR</dt>
                  <dd className="mono">{formatLr(run.schedule.baseLr)}</dd>
                </>
              )}
              <dt>Steps per epoch</dt>
              <dd>{run.stepsPerEpoch ?? '—'}</dd>
              {run.cadence && (
                <>
                  <dt>Observed</dt>
                  <dd>
                    {formatStep(run.cadence.schedulerSteps)} scheduler.step() calls over {formatStep(run.cadence.optimizerSteps)} optimizer steps
                  </dd>
                </>
              )}
            </dl>
            <pre style={{ marginTop: 8 }} tabIndex={0} aria-label="Schedule parameters">
              <code>{prettyJson(run.schedule.params)}</code>
            </pre>
          </>
        ) : (
          <p className="muted">
            None. Send one with <code>runs.create</code> or <code>runs.update</code> (<code>schedule: {'{ name, params, interval, baseLr }'}</code>) and lrscope checks the LR against it.
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="config-title">
        <h2 id="config-title">Config</h2>
        {run.config ? (
          <pre tabIndex={0} aria-label="Run config" style={{ maxHeight: 320 }}>
            <code>{prettyJson(run.config)}</code>
          </pre>
        ) : (
          <p className="muted">No config was sent with this run.</p>
        )}
      </section>
    </div>
  );
}
