'use client';
// A run's page: header with verdict and health, the verdict in words, the LR chart, loss and
// other metrics, schedule and config. Grows live from live.run (SSE, ids = batch numbers); the
// view (x axis, log scale, zoom) lives in the URL and a zoom re-fetches the visible range.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useChartPoints } from '@/components/use-chart-points';
import { ErrorState, Loading } from '@/components/states';
import { type AxisMaps, axisAvailable, epochMap, extendStepMap, stepMap, stepsForX, type XMode, xExactFormatter, xFormatter } from '@/lib/ui/axes';
import { type LivePoint, livePoints } from '@/lib/live-columns';
import { appendLive, LIVE_REFETCH_THRESHOLD, mergeLive } from '@/lib/ui/series';
import { optimizerSeries, runOptimizerNames } from '@/lib/optimizers/optimizer-points';
import { useTRPC } from '@/trpc/client';
import { type ChartFrame, LrChartPanel } from './lr-chart-panel';
import { LossChart, MetricChart } from './metric-chart';
import { OptimizerCharts } from './optimizer-charts';
import { RunManage } from './run-manage';
import { RunHeader } from './run-header';
import { ScheduleAndConfig } from './schedule-and-config';
import { useRunUrl } from './use-run-url';
import { SourcePanel } from './source-panel';
import { VerdictPanel } from './verdict-panel';

// Epoch and time only map steps to x values: a few hundred samples draw the axis as well as more.
const AXIS_SAMPLES = 400;

export function RunView({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useQuery(trpc.runs.get.queryOptions({ id }));
  const [url, setUrl] = useRunUrl();
  const maxPoints = useChartPoints();
  const [started, setStarted] = useState(false);
  const [live, setLive] = useState<LivePoint[]>([]);
  const liveRef = useRef(live);
  liveRef.current = live;
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
          if (data.run) queryClient.setQueryData(trpc.runs.get.queryKey({ id }), { run: data.run });
          if (data.kind === 'start') setStarted(true);
          else if (data.kind === 'reset') refreshSeries();
          else if (data.kind === 'points') {
            const points = livePoints(data.points);
            setLive((b) => appendLive(b, points));
            if (liveRef.current.length + points.length > LIVE_REFETCH_THRESHOLD) refreshSeries();
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

  const range = url.range;
  const seriesInput = (metric: string) => ({ runId: id, metric, maxPoints, ...(range ? { fromStep: range.from, toStep: range.to } : {}) });
  const opts = { enabled, placeholderData: keepPreviousData } as const;
  const lr = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('lr')), ...opts });
  const expected = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('expected_lr')), ...opts });
  const loss = useQuery({ ...trpc.runs.series.queryOptions(seriesInput('loss')), ...opts });
  // x axes by epoch and time map steps through samples of the whole run.
  const epochs = useQuery({ ...trpc.runs.series.queryOptions({ runId: id, metric: 'epoch', maxPoints: AXIS_SAMPLES }), ...opts });
  const times = useQuery({ ...trpc.runs.series.queryOptions({ runId: id, metric: 'time', maxPoints: AXIS_SAMPLES }), ...opts });

  const maps: AxisMaps = useMemo(
    () => ({
      epoch: extendStepMap(epochMap(epochs.data?.points ?? []), live.map((p) => ({ step: p.step, value: p.epoch })), epochMap),
      time: extendStepMap(stepMap(times.data?.points ?? []), live.map((p) => ({ step: p.step, value: p.time }))),
    }),
    [epochs.data, times.data, live],
  );
  const mode = axisAvailable(url.x, maps) ? url.x : 'step';

  const lrMerged = useMemo(() => mergeLive(lr.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.lr }))), [lr.data, live]);
  const expMerged = useMemo(() => mergeLive(expected.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.expectedLr }))), [expected.data, live]);
  const lossMerged = useMemo(() => mergeLive(loss.data?.points ?? [], live.map((p) => ({ step: p.step, value: p.loss }))), [loss.data, live]);

  // A zoom is reported in x units; the URL keeps it in steps. What the chart itself reported is
  // already on screen; any other change of range (Back, Forward, a shared link) is drawn afresh.
  const reported = useRef<string | null>(null);
  const rangeKey = range ? `${range.from}-${range.to}` : null;
  useEffect(() => {
    if (rangeKey !== reported.current) setResetKey((k) => k + 1);
    reported.current = rangeKey;
  }, [rangeKey]);
  const onView = useCallback(
    (r: { min: number; max: number } | null) => {
      const next = r ? stepsForX(mode, r.min, r.max, maps) : null;
      reported.current = next ? `${next.from}-${next.to}` : null;
      setUrl({ range: next });
    },
    [mode, maps, setUrl],
  );

  if (run.isError) {
    return run.error.data?.code === 'NOT_FOUND' ? (
      <div className="panel state">
        <h1>There is no run {id}.</h1>
        <Link href="/">Back to the runs</Link>
      </div>
    ) : (
      <ErrorState title={`Could not load run ${id}.`} error={run.error} retry={() => void run.refetch()} />
    );
  }
  if (!run.data) return <Loading label="Loading run…" rows={8} />;
  const r = run.data.run;
  const span = maps.time.values.length ? (maps.time.values[maps.time.values.length - 1] - maps.time.values[0]) * 1000 : undefined;
  const frame: ChartFrame = { mode, maps, xFmt: xFormatter(mode, span), xExact: xExactFormatter(mode), onView, resetKey };
  // With several optimizers, the run's own lr (the live LR chart) is the first optimizer's, marked
  // by that optimizer's verdict; the others get charts of their own below it.
  const [firstOptimizer, ...otherOptimizers] = runOptimizerNames(r.optimizers, r.metricNames);
  const firstPointAt = times.data?.points[0] ? new Date(times.data.points[0].value * 1000).toISOString() : null;

  return (
    <>
      <RunTitle name={r.name} />
      <RunHeader run={r} readAt={run.dataUpdatedAt} firstPointAt={firstPointAt} liveStatus={feed.status} />
      <VerdictPanel verdict={r.verdict} />
      <LrChartPanel
        run={r}
        frame={frame}
        lr={lrMerged}
        expected={expMerged}
        state={{ loading: !enabled || (lr.isPending && !lr.data), error: lr.isError ? lr.error : null, retry: () => void lr.refetch(), bucket: lr.data?.bucket }}
        yLog={url.log}
        zoomed={range !== null}
        onMode={(m: XMode) => setUrl({ x: m, range: null })}
        onLog={(log) => setUrl({ log })}
        onReset={() => setUrl({ range: null })}
        optimizer={firstOptimizer === undefined ? undefined : { name: firstOptimizer, verdict: r.verdict.optimizers?.[firstOptimizer] }}
      />
      <OptimizerCharts names={otherOptimizers} run={r} mode={mode} maps={maps} view={range} enabled={enabled} tick={metricTick} maxPoints={maxPoints} yLog={url.log} onView={onView} resetKey={frame.resetKey} xFmt={frame.xFmt} />
      <div className="grid-2" style={{ marginTop: 12 }}>
        {lossMerged.length > 0 && <LossChart run={r} frame={frame} points={lossMerged} />}
        {r.metricNames.filter((name) => !optimizerSeries(name)).map((name) => (
          <MetricChart key={name} run={r} name={name} frame={frame} range={range} maxPoints={maxPoints} enabled={enabled} tick={metricTick} />
        ))}
      </div>
      <SourcePanel runId={r.id} version={r.lastSeenAt} />
      <RunManage run={r} />
      <ScheduleAndConfig run={r} />
    </>
  );
}

/** The tab's title follows the run's name (the server sets it too, before the page loads). */
function RunTitle({ name }: { name: string }) {
  useEffect(() => {
    document.title = `${name} · Run · lrscope`;
  }, [name]);
  return null;
}
