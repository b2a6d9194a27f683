'use client';
// A run with several optimizers (GANs, Coqui's vocoders): for each optimizer, its LR against its
// own schedule ("lr:<name>" and "expected_lr:<name>" from runs.series) and its own verdict. The
// series are re-read when the run's points arrive (like the metric charts), not pushed one by one.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ChartCanvas, type ChartAnnotations, type LineDataset } from '@/components/chart/chart-canvas';
import { ErrorState } from '@/components/states';
import { expectedSeriesName, lrSeriesName, runOptimizerNames } from '@/lib/optimizers/optimizer-points';
import { type AxisMaps, bucketsToXY, toX, X_TITLES, type XMode } from '@/lib/ui/axes';
import { formatLr, formatStep } from '@/lib/ui/format';
import { type Bucket, disagreementRegions } from '@/lib/ui/series';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import { VerdictPanel } from './verdict-panel';

const COLORS = { actual: '#ea580c', expected: '#334155' };

export interface OptimizerChartsProps {
  run: Run;
  mode: XMode;
  maps: AxisMaps;
  view: { from: number; to: number } | null;
  enabled: boolean;
  tick: number;
  maxPoints: number;
  yLog: boolean;
  onView: (r: { min: number; max: number } | null) => void;
  resetKey: number;
  xFmt: (v: number) => string;
}

/** Nothing for a run with one optimizer. */
export function OptimizerCharts(p: OptimizerChartsProps) {
  const names = runOptimizerNames(p.run.optimizers, p.run.metricNames);
  if (names.length === 0) return null;
  return (
    <>
      {names.map((name) => (
        <OptimizerChart key={name} {...p} name={name} />
      ))}
    </>
  );
}

function OptimizerChart(p: OptimizerChartsProps & { name: string }) {
  const trpc = useTRPC();
  const { run, name } = p;
  const declared = run.optimizers.find((o) => o.name === name);
  const logged = run.metricNames.includes(lrSeriesName(name));
  const range = p.view ? { fromStep: p.view.from, toStep: p.view.to } : {};
  const opts = { placeholderData: keepPreviousData } as const;
  const actual = useQuery({ ...trpc.runs.series.queryOptions({ runId: run.id, metric: lrSeriesName(name), maxPoints: p.maxPoints, ...range }), enabled: p.enabled && logged, ...opts });
  const expected = useQuery({
    ...trpc.runs.series.queryOptions({ runId: run.id, metric: expectedSeriesName(name), maxPoints: p.maxPoints, ...range }),
    enabled: p.enabled && declared?.schedule !== undefined,
    ...opts,
  });
  const { refetch } = actual;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void refetch();
  }, [p.tick, refetch]);

  const verdict = run.verdict.optimizers?.[name];
  const act = (actual.data?.points ?? []) as Bucket[];
  const exp = (expected.data?.points ?? []) as Bucket[];
  const datasets: LineDataset[] = [
    { label: `actual LR (${name})`, data: bucketsToXY(act, p.mode, p.maps, (b) => b.value), borderColor: COLORS.actual, backgroundColor: COLORS.actual, borderWidth: 2, order: 1 },
    { label: `expected LR (${name})`, data: bucketsToXY(exp, p.mode, p.maps, (b) => b.value), borderColor: COLORS.expected, backgroundColor: COLORS.expected, borderDash: [6, 4], borderWidth: 1.6, order: 2 },
  ];
  const annotations: ChartAnnotations = { lines: [], boxes: [] };
  if (verdict?.flagged) {
    for (const region of disagreementRegions(act, exp)) {
      const a = toX(p.mode, region.from, p.maps);
      const b = toX(p.mode, region.to, p.maps);
      if (Number.isFinite(a) && Number.isFinite(b)) annotations.boxes!.push({ from: a, to: b, label: annotations.boxes!.length === 0 ? 'LR off schedule' : undefined });
    }
    if (verdict.firstBadStep !== undefined) {
      const x = toX(p.mode, verdict.firstBadStep, p.maps);
      if (Number.isFinite(x)) annotations.lines!.push({ x, label: `first bad step ${formatStep(verdict.firstBadStep)}` });
    }
  }
  const titleId = `optimizer-lr-title-${name}`;
  return (
    <section className="panel chart-panel" aria-labelledby={titleId} style={{ marginTop: 12 }} data-testid={`optimizer-${name}`}>
      <h2 id={titleId} style={{ marginTop: 0 }}>
        Learning rate, optimizer {name}
      </h2>
      {actual.isError ? (
        <ErrorState title={`Could not load the LR of optimizer ${name}.`} error={actual.error} retry={() => void actual.refetch()} />
      ) : !logged ? (
        <p className="muted">No LR logged for this optimizer yet.</p>
      ) : !actual.data ? (
        <div className="chart-box">
          <div className="skeleton" style={{ height: '100%' }} />
        </div>
      ) : (
        <ChartCanvas
          testId={`optimizer-lr-chart-${name}`}
          label={`Learning rate of optimizer ${name} in ${run.name}: actual against its schedule, by ${X_TITLES[p.mode]}`}
          datasets={datasets}
          xTitle={X_TITLES[p.mode]}
          yTitle="learning rate"
          xFormat={p.xFmt}
          yFormat={formatLr}
          yLog={p.yLog}
          annotations={annotations}
          onView={p.onView}
          resetKey={p.resetKey}
        />
      )}
      <ul className="legend" aria-label={`Legend, optimizer ${name}`}>
        <li>
          <span className="swatch" style={{ borderColor: COLORS.actual }} /> actual LR (logged)
        </li>
        <li>
          <span className="swatch dashed" style={{ borderColor: COLORS.expected }} /> expected LR ({declared?.schedule ? declared.schedule.name : 'no schedule'})
        </li>
      </ul>
      {verdict && <VerdictPanel verdict={verdict} optimizer={name} />}
    </section>
  );
}
