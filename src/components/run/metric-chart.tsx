'use client';
// A chart of the run's loss or one of its other metrics, sharing the LR chart's x axis and zoom.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChartCanvas } from '@/components/chart/chart-canvas';
import { ChartPngButton } from '@/components/chart/chart-png-button';
import { ErrorState } from '@/components/states';
import { bucketsToXY, X_TITLES } from '@/lib/ui/axes';
import { formatValue } from '@/lib/ui/format';
import type { Bucket } from '@/lib/ui/series';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import { type ChartFrame, healthLines, RUN_COLORS } from './lr-chart-panel';
import { useRefetchOnTick } from './use-refetch-on-tick';

export function LossChart({ run, frame: f, points }: { run: Run; frame: ChartFrame; points: Bucket[] }) {
  return (
    <section className="panel" aria-labelledby="loss-title">
      <h2 id="loss-title">Loss</h2>
      <ChartPngButton fileName={`run-${run.id}-loss`} label="the loss chart" />
      <ChartCanvas
        testId="loss-chart"
        className="small"
        label={`Loss of ${run.name} by ${X_TITLES[f.mode]}`}
        datasets={[{ label: 'loss', data: bucketsToXY(points, f.mode, f.maps, (b) => b.value), borderColor: RUN_COLORS.loss, backgroundColor: RUN_COLORS.loss }]}
        xTitle={X_TITLES[f.mode]}
        xFormat={f.xFmt}
        integerX={f.mode === 'step'}
        xTooltip={f.xExact}
        yFormat={formatValue}
        annotations={{ lines: healthLines(run, f) }}
        onView={f.onView}
        resetKey={f.resetKey}
      />
    </section>
  );
}

export function MetricChart(p: { run: Run; name: string; frame: ChartFrame; range: { from: number; to: number } | null; maxPoints: number; enabled: boolean; tick: number }) {
  const trpc = useTRPC();
  const f = p.frame;
  const input = { runId: p.run.id, metric: p.name, maxPoints: p.maxPoints, ...(p.range ? { fromStep: p.range.from, toStep: p.range.to } : {}) };
  const q = useQuery({ ...trpc.runs.series.queryOptions(input), enabled: p.enabled, placeholderData: keepPreviousData });
  useRefetchOnTick(p.tick, q.refetch);
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
          datasets={[{ label: p.name, data: bucketsToXY(q.data.points as Bucket[], f.mode, f.maps, (b) => b.value), borderColor: RUN_COLORS.metric, backgroundColor: RUN_COLORS.metric }]}
          xTitle={X_TITLES[f.mode]}
          xFormat={f.xFmt}
          integerX={f.mode === 'step'}
        xTooltip={f.xExact}
          yFormat={formatValue}
          onView={f.onView}
          resetKey={f.resetKey}
        />
      )}
    </section>
  );
}
