'use client';
// A run's page: header and stats, the verdict in words, the LR chart (actual vs. the schedule,
// first bad step marked, disagreement shaded), loss and other metrics, schedule and config.
// Grows live from live.run (SSE, ids = batch numbers); zoom re-fetches the visible range.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { StatusBadge, VerdictBadge } from '@/components/badges';
import { ChartPngButton } from '@/components/chart/chart-png-button';
import { ChartCanvas, type ChartAnnotations, type LineDataset } from '@/components/chart/chart-canvas';
import { ErrorState, LiveIndicator, Loading } from '@/components/states';
import { type AxisMaps, axisAvailable, bucketsToXY, epochMap, extendStepMap, stepMap, stepsForX, toX, X_MODES, X_TITLES, type XMode, xFormatter } from '@/lib/ui/axes';
import { formatAgo, formatDateTime, formatLr, formatStep, formatValue, prettyJson } from '@/lib/ui/format';
import { appendLive, type Bucket, disagreementRegions, LIVE_REFETCH_THRESHOLD, type LivePoint, mergeLive } from '@/lib/ui/series';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import { RunManage } from './run-manage';
import { VerdictPanel } from './verdict-panel';

const MAX_POINTS = 2000;
const COLORS = { actual: '#ea580c', band: 'rgba(234, 88, 12, 0.18)', expected: '#334155', loss: '#2563eb', metric: '#7c3aed' };

type View = { from: number; to: number } | null;

export function RunView({ id, focusStep }: { id: number; focusStep?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useQuery(trpc.runs.get.queryOptions({ id }));
  const [started, setStarted] = useState(false);
  const [live, setLive] = useState<LivePoint[]>([]);
  const liveRef = useRef(live);
  liveRef.current = live;
  // A link to a step (from an alert) opens zoomed around it.
  const [view, setView] = useState<View>(focusStep === undefined ? null : { from: Math.max(0, focusStep - 1000), to: focusStep + 1000 });
  const [xMode, setXMode] = useState<XMode>('step');
  const [yLog, setYLog] = useState(false);
  const [resetKey, setResetKey] = useState(0);
  const [metricTick, setMetricTick] = useState(0);
  const lastMetricRefresh = useRef(0);

  const seriesKey = trpc.runs.series.pathKey();
  const refetching = useRef(false);
  // Re-read the series (the server re-buckets) and drop the pushed points it now includes.
  const refreshSeries = useCallback(() => {
    if (refetching.current) return;
    refetching.current = true;
    const cutoff = liveRef.current.length;
    void queryClient.refetchQueries({ queryKey: seriesKey, predicate: (q) => (q.queryKey[1] as { input?: { runId?: number } })?.input?.runId === id }).finally(() => {
      refetching.current = false;
      setLive((b) => b.slice(cutoff));
    });
  }, [queryClient, seriesKey, id]);

  const feed = useSubscription(
    trpc.live.run.subscriptionOptions(
      { runId: id },
      {
        onData: ({ data }) => {
          if (data.kind !== 'points') queryClient.setQueryData(trpc.runs.get.queryKey({ id }), { run: data.run });
          if (data.kind === 'start') setStarted(true);
          else if (data.kind === 'reset') refreshSeries();
          else if (data.kind === 'points') {
            setLive((b) => appendLive(b, data.points));
            if (liveRef.current.length + data.points.length > LIVE_REFETCH_THRESHOLD) refreshSeries();
          }
          // Other metrics are not pushed point by point: re-read them, at most every 2 s, when points
          // arrive or the run changes (a batch of metrics for steps logged earlier, such as an eval).
          if (data.kind === 'points' || data.kind === 'run') {
            const now = Date.now();
            if (now - lastMetricRefresh.current > 2000) {
              lastMetricRefresh.current = now;
              setMetricTick((t) => t + 1);
            }
          }
        },
      },
    ),
  );
  // If live updates cannot connect, still show the charts.
  const enabled = started || feed.status === 'error';

  const seriesInput = (metric: string, ranged = true) => ({ runId: id, metric, maxPoints: MAX_POINTS, ...(ranged && view ? { fromStep: view.from, toStep: view.to } : {}) });
  const opts = { enabled, placeholderData: keepPreviousData } as const;
  const lr = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('lr')), ...opts });
  const expected = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('expected_lr')), ...opts });
  const loss = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('loss')), ...opts });
  // x axes by epoch and time map steps through samples of the whole run.
  const epochs = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('epoch', false)), ...opts });
  const times = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('time', false)), ...opts });

  const maps: AxisMaps = useMemo(
    () => ({
      epoch: extendStepMap(epochMap(epochs.data?.points ?? []), live.map((p) => ({ step: p.step, value: p.epoch })), epochMap),
      time: extendStepMap(stepMap(times.data?.points ?? []), live.map((p) => ({ step: p.step, value: p.time }))),
    }),
    [epochs.data, times.data, live],
  );
  const mode = axisAvailable(xMode, maps) ? xMode : 'step';

  const lrMerged = useMemo(() => mergeLive(lr.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.lr }))), [lr.data, live]);
  const expMerged = useMemo(() => mergeLive(expected.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.expectedLr }))), [expected.data, live]);
  const lossMerged = useMemo(() => mergeLive(loss.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.loss }))), [loss.data, live]);

  const onView = useCallback(
    (range: { min: number; max: number } | null) => {
      if (!range) return setView(null);
      setView(stepsForX(mode, range.min, range.max, maps));
    },
    [mode, maps],
  );
  const resetZoom = () => {
    setView(null);
    setResetKey((k) => k + 1);
  };
  const changeMode = (m: XMode) => {
    setXMode(m);
    setView(null);
    setResetKey((k) => k + 1);
  };

  if (run.isError) {
    return run.error.data?.code === 'NOT_FOUND' ? (
      <div className="panel state">
        <p>
          <strong>There is no run {id}.</strong>
        </p>
        <Link href="/">Back to the runs</Link>
      </div>
    ) : (
      <ErrorState title={`Could not load run ${id}.`} error={run.error} retry={() => void run.refetch()} />
    );
  }
  if (!run.data) return <Loading label="Loading run…" rows={8} />;
  const r = run.data.run;
  const xFmt = xFormatter(mode, maps.time.values.length ? (maps.time.values[maps.time.values.length - 1] - maps.time.values[0]) * 1000 : undefined);
  const bucketed = lrMerged.some((b) => b.min !== b.max);

  const lrDatasets: LineDataset[] = [
    { label: 'actual LR', data: bucketsToXY(lrMerged, mode, maps, (b) => b.value), borderColor: COLORS.actual, backgroundColor: COLORS.actual, borderWidth: 2, order: 1 },
    { label: 'expected LR (schedule)', data: bucketsToXY(expMerged, mode, maps, (b) => b.value), borderColor: COLORS.expected, backgroundColor: COLORS.expected, borderDash: [6, 4], borderWidth: 1.6, order: 2 },
  ];
  if (bucketed) {
    lrDatasets.push(
      { label: 'actual LR max', data: bucketsToXY(lrMerged, mode, maps, (b) => b.max), borderColor: 'transparent', pointRadius: 0, order: 3, hideInTooltip: true } as LineDataset,
      { label: 'actual LR min', data: bucketsToXY(lrMerged, mode, maps, (b) => b.min), borderColor: 'transparent', backgroundColor: COLORS.band, fill: '-1', pointRadius: 0, order: 3, hideInTooltip: true } as LineDataset,
    );
  }
  const annotations: ChartAnnotations = { lines: [], boxes: [] };
  if (r.verdict.flagged) {
    for (const region of disagreementRegions(lrMerged, expMerged)) {
      const a = toX(mode, region.from, maps);
      const b = toX(mode, region.to, maps);
      if (Number.isFinite(a) && Number.isFinite(b)) annotations.boxes!.push({ from: a, to: b, label: annotations.boxes!.length === 0 ? 'LR off schedule' : undefined });
    }
    if (r.verdict.firstBadStep !== undefined) {
      const x = toX(mode, r.verdict.firstBadStep, maps);
      if (Number.isFinite(x)) annotations.lines!.push({ x, label: `first bad step ${formatStep(r.verdict.firstBadStep)}` });
    }
  }
  const hasLoss = lossMerged.length > 0;

  return (
    <>
      <nav aria-label="Breadcrumb" className="muted" style={{ marginBottom: 6 }}>
        <Link href="/">Runs</Link> / {r.project}
      </nav>
      <div className="page-head">
        <h1 data-testid="run-name">{r.name}</h1>
        <StatusBadge status={r.status} />
        <VerdictBadge verdict={r.verdict} />
        {r.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        <span className="spacer" />
        <LiveIndicator status={feed.status} />
      </div>
      <dl className="stats">
        <Stat label="Last step" value={formatStep(r.lastStep)} testId="stat-last-step" />
        <Stat label="LR now" value={formatLr(r.lastLr)} testId="stat-lr" />
        <Stat label="Expected LR now" value={formatLr(r.expectedLr)} />
        <Stat label="Loss" value={formatValue(r.lastLoss)} />
        <Stat label="Points" value={formatStep(r.pointCount)} />
        <Stat label="Started" value={formatDateTime(r.startedAt)} />
        <Stat label="Last seen" value={formatAgo(r.lastSeenAt, Date.now())} />
      </dl>

      <VerdictPanel verdict={r.verdict} />

      <section className="panel chart-panel" aria-labelledby="lr-title" style={{ marginTop: 12 }}>
        <div className="chart-tools">
          <h2 id="lr-title" style={{ margin: 0 }}>
            Learning rate
          </h2>
          <ChartPngButton fileName={`run-${r.id}-lr`} label="the learning rate chart" />
          <div className="seg" role="group" aria-label="x axis">
            {X_MODES.map((m) => (
              <button key={m.mode} type="button" aria-pressed={mode === m.mode} disabled={!axisAvailable(m.mode, maps)} title={axisAvailable(m.mode, maps) ? undefined : `This run logs no ${m.mode === 'epoch' ? 'epoch' : 'time'}`} onClick={() => changeMode(m.mode)}>
                {m.label}
              </button>
            ))}
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={yLog} onChange={(e) => setYLog(e.target.checked)} /> Log scale
          </label>
          <button type="button" onClick={resetZoom} disabled={!view} data-testid="reset-zoom">
            Reset zoom
          </button>
          <span className="muted" style={{ fontSize: 12 }}>
            Drag to zoom · Shift+drag to pan · Ctrl+wheel
            {lr.data && lr.data.bucket > 1 ? ` · ${formatStep(lr.data.bucket)} steps per point` : ''}
          </span>
        </div>
        {!enabled || (lr.isPending && !lr.data) ? (
          <div className="chart-box">
            <div className="skeleton" style={{ height: '100%' }} />
          </div>
        ) : lr.isError ? (
          <ErrorState title="Could not load the LR series." error={lr.error} retry={() => void lr.refetch()} />
        ) : lrMerged.length === 0 ? (
          <div className="chart-box state" data-testid="no-points">
            <p>No points yet. They appear here as the trainer posts them.</p>
          </div>
        ) : (
          <ChartCanvas
            testId="lr-chart"
            label={`Learning rate of ${r.name}: actual against the configured schedule, by ${X_TITLES[mode]}`}
            datasets={lrDatasets}
            xTitle={X_TITLES[mode]}
            yTitle="learning rate"
            xFormat={xFmt}
            yFormat={formatLr}
            yLog={yLog}
            annotations={annotations}
            onView={onView}
            resetKey={resetKey}
          />
        )}
        <ul className="legend" aria-label="Legend">
          <li>
            <span className="swatch" style={{ borderColor: COLORS.actual }} /> actual LR (logged)
          </li>
          <li>
            <span className="swatch dashed" style={{ borderColor: COLORS.expected }} /> expected LR ({r.schedule ? r.schedule.name : 'no schedule'})
          </li>
          {bucketed && (
            <li>
              <span className="swatch area" style={{ background: COLORS.band }} /> min–max of each bucket
            </li>
          )}
          {annotations.boxes!.length > 0 && (
            <li>
              <span className="swatch area" style={{ background: 'rgba(220, 38, 38, 0.25)' }} /> where they disagree
            </li>
          )}
        </ul>
        <span className="sr-only" data-testid="lr-last-step" aria-live="off">
          {lrMerged.length ? lrMerged[lrMerged.length - 1].step : ''}
        </span>
      </section>

      <div className="grid-2" style={{ marginTop: 12 }}>
        {hasLoss && (
          <section className="panel" aria-labelledby="loss-title">
            <h2 id="loss-title">Loss</h2>
            <ChartPngButton fileName={`run-${r.id}-loss`} label="the loss chart" />
            <ChartCanvas
              testId="loss-chart"
              className="small"
              label={`Loss of ${r.name} by ${X_TITLES[mode]}`}
              datasets={[{ label: 'loss', data: bucketsToXY(lossMerged, mode, maps, (b) => b.value), borderColor: COLORS.loss, backgroundColor: COLORS.loss }]}
              xTitle={X_TITLES[mode]}
              xFormat={xFmt}
              yFormat={formatValue}
              onView={onView}
              resetKey={resetKey}
            />
          </section>
        )}
        {r.metricNames.map((name) => (
          <MetricChart key={name} run={r} name={name} mode={mode} maps={maps} view={view} enabled={enabled} tick={metricTick} onView={onView} resetKey={resetKey} xFmt={xFmt} />
        ))}
      </div>

      <RunManage run={r} />
      <ScheduleAndConfig run={r} />
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function MetricChart(p: { run: Run; name: string; mode: XMode; maps: AxisMaps; view: View; enabled: boolean; tick: number; onView: (r: { min: number; max: number } | null) => void; resetKey: number; xFmt: (v: number) => string }) {
  const trpc = useTRPC();
  const input = { runId: p.run.id, metric: p.name, maxPoints: MAX_POINTS, ...(p.view ? { fromStep: p.view.from, toStep: p.view.to } : {}) };
  const q = useQuery({ ...trpc.runs.series.queryOptions(input), enabled: p.enabled, placeholderData: keepPreviousData });
  const { refetch } = q;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void refetch();
  }, [p.tick, refetch]);
  return (
    <section className="panel" aria-label={`Metric ${p.name}`}>
      <h2>{p.name}</h2>
      <ChartPngButton fileName={`run-${p.run.id}-${p.name}`} label={`the ${p.name} chart`} />
      {q.isError ? (
        <ErrorState title={`Could not load ${p.name}.`} error={q.error} />
      ) : !q.data ? (
        <div className="chart-box small">
          <div className="skeleton" style={{ height: '100%' }} />
        </div>
      ) : (
        <ChartCanvas
          className="small"
          label={`${p.name} of ${p.run.name}`}
          datasets={[{ label: p.name, data: bucketsToXY(q.data.points as Bucket[], p.mode, p.maps, (b) => b.value), borderColor: COLORS.metric, backgroundColor: COLORS.metric }]}
          xTitle={X_TITLES[p.mode]}
          xFormat={p.xFmt}
          yFormat={formatValue}
          onView={p.onView}
          resetKey={p.resetKey}
        />
      )}
    </section>
  );
}

function ScheduleAndConfig({ run }: { run: Run }) {
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
