'use client';
// A run with several optimizers (GANs, Coqui's vocoders): for each optimizer after the first (whose
// LR is the run's own, in the run's LR chart), its LR against its own schedule ("lr:<name>" and "expected_lr:<name>" from runs.series) and its own verdict. The
// series are re-read when the run's points arrive (like the metric charts), not pushed one by one.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChartPngButton } from '@/components/chart/chart-png-button';
import { ChartCanvas, type LineDataset } from '@/components/chart/chart-canvas';
import { ErrorState } from '@/components/states';
import { expectedSeriesName, lrSeriesName } from '@/lib/optimizers/optimizer-points';
import { type AxisMaps, bucketsToXY, X_TITLES, type XMode } from '@/lib/ui/axes';
import { formatLr } from '@/lib/ui/format';
import { lrAnnotations } from '@/lib/ui/lr-annotations';
import type { Bucket } from '@/lib/ui/series';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import { useRefetchOnTick } from './use-refetch-on-tick';
import { VerdictPanel } from './verdict-panel';

const COLORS = { actual: '#ea580c', expected: '#334155' };

export interface OptimizerChartsProps {
  /** The optimizers to draw (the first one's LR is the run's own, drawn by the run's LR chart). */
  names: string[];
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

export function OptimizerCharts(p: OptimizerChartsProps) {
  return (
    <>
      {p.names.map((name) => (
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
  useRefetchOnTick(p.tick, actual.refetch);

  const verdict = run.verdict.optimizers?.[name];
  const act = (actual.data?.points ?? []) as Bucket[];
  const exp = (expected.data?.points ?? []) as Bucket[];
  const datasets: LineDataset[] = [
    { label: `actual LR (${name})`, data: bucketsToXY(act, p.mode, p.maps, (b) => b.value), borderColor: COLORS.actual, backgroundColor: COLORS.actual, borderWidth: 2, order: 1 },
    { label: `expected LR (${name})`, data: bucketsToXY(exp, p.mode, p.maps, (b) => b.value), borderColor: COLORS.expected, backgroundColor: COLORS.expected, borderDash: [6, 4], borderWidth: 1.6, order: 2 },
  ];
  const annotations = lrAnnotations(verdict, act, exp, p.mode, p.maps);
  const titleId = `optimizer-lr-title-${name}`;
  return (
    <section className="panel chart-panel" aria-labelledby={titleId} style={{ marginTop: 12 }} data-testid={`optimizer-${name}`}>
      <h2 id={titleId} style={{ marginTop: 0 }}>
        Learning rate, optimizer {name}
      </h2>
      <ChartPngButton fileName={`run-${run.id}-lr-${name}`} label={`the learning rate chart of optimizer ${name}`} />
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
