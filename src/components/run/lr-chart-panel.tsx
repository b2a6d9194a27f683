'use client';
// The LR chart: actual against the schedule, the first bad step marked, disagreement shaded,
// where the loss broke marked too; x axis, log scale and zoom come from (and go to) the URL.
import { ChartPngButton } from '@/components/chart/chart-png-button';
import { ChartCanvas, type ChartAnnotations, type LineDataset } from '@/components/chart/chart-canvas';
import { ErrorState } from '@/components/states';
import { type AxisMaps, axisAvailable, bucketsToXY, toX, X_MODES, X_TITLES, type XMode } from '@/lib/ui/axes';
import { lrAnnotations } from '@/lib/ui/lr-annotations';
import { formatLr, formatStep } from '@/lib/ui/format';
import { healthMarker } from '@/lib/ui/health';
import type { Bucket } from '@/lib/ui/series';
import type { Verdict } from '@/lib/verdict';
import type { Run } from '@/trpc/types';
import { VerdictPanel } from './verdict-panel';

export const RUN_COLORS = { actual: '#ea580c', band: 'rgba(234, 88, 12, 0.18)', expected: '#64748b', loss: '#3b82f6', metric: '#8b5cf6' };

export interface ChartFrame {
  mode: XMode;
  maps: AxisMaps;
  xFmt: (v: number) => string;
  /** For tooltips: the exact x (a whole step, a full date and time). */
  xExact: (v: number) => string;
  onView: (range: { min: number; max: number } | null) => void;
  resetKey: number;
}

/** The marker for where the loss went NaN/Inf, on any chart of the run. */
export function healthLines(run: Run, f: ChartFrame): NonNullable<ChartAnnotations['lines']> {
  const m = healthMarker(run.health);
  if (!m) return [];
  const x = toX(f.mode, m.step, f.maps);
  return Number.isFinite(x) ? [{ x, label: m.label, color: '#7c2d12' }] : [];
}

export interface LrChartPanelProps {
  run: Run;
  frame: ChartFrame;
  lr: Bucket[];
  expected: Bucket[];
  state: { loading: boolean; error: { message: string } | null; retry: () => void; bucket: number | undefined };
  yLog: boolean;
  zoomed: boolean;
  onMode: (m: XMode) => void;
  onLog: (log: boolean) => void;
  onReset: () => void;
  /** With several optimizers this chart is the first one's: its name and its own verdict. */
  optimizer?: { name: string; verdict: Verdict | undefined };
}

export function LrChartPanel({ run: r, frame: f, lr, expected, state, yLog, zoomed, onMode, onLog, onReset, optimizer }: LrChartPanelProps) {
  const bucketed = lr.some((b) => b.min !== b.max);
  const datasets: LineDataset[] = [
    { label: 'actual LR', data: bucketsToXY(lr, f.mode, f.maps, (b) => b.value), borderColor: RUN_COLORS.actual, backgroundColor: RUN_COLORS.actual, borderWidth: 2, order: 1 },
    { label: 'expected LR (schedule)', data: bucketsToXY(expected, f.mode, f.maps, (b) => b.value), borderColor: RUN_COLORS.expected, backgroundColor: RUN_COLORS.expected, borderDash: [6, 4], borderWidth: 1.6, order: 2 },
  ];
  if (bucketed) {
    datasets.push(
      { label: 'actual LR max', data: bucketsToXY(lr, f.mode, f.maps, (b) => b.max), borderColor: 'transparent', pointRadius: 0, order: 3, hideInTooltip: true } as LineDataset,
      { label: 'actual LR min', data: bucketsToXY(lr, f.mode, f.maps, (b) => b.min), borderColor: 'transparent', backgroundColor: RUN_COLORS.band, fill: '-1', pointRadius: 0, order: 3, hideInTooltip: true } as LineDataset,
    );
  }
  const marks = lrAnnotations(optimizer ? optimizer.verdict : r.verdict, lr, expected, f.mode, f.maps);
  const annotations: ChartAnnotations = { lines: [...healthLines(r, f), ...marks.lines], boxes: marks.boxes };

  return (
    <section className="panel chart-panel" aria-labelledby="lr-title" style={{ marginTop: 12 }}>
      <div className="chart-tools">
        <h2 id="lr-title" style={{ margin: 0 }}>
          Learning rate{optimizer ? `, optimizer ${optimizer.name}` : ''}
        </h2>
        <ChartPngButton fileName={`run-${r.id}-lr${optimizer ? `-${optimizer.name}` : ''}`} label="the learning rate chart" />
        <div className="seg" role="group" aria-label="x axis">
          {X_MODES.map((m) => (
            <button key={m.mode} type="button" aria-pressed={f.mode === m.mode} disabled={!axisAvailable(m.mode, f.maps)} title={axisAvailable(m.mode, f.maps) ? undefined : `This run logs no ${m.mode === 'epoch' ? 'epoch' : 'time'}`} onClick={() => onMode(m.mode)}>
              {m.label}
            </button>
          ))}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={yLog} onChange={(e) => onLog(e.target.checked)} data-testid="log-scale" /> Log scale
        </label>
        <button type="button" onClick={onReset} disabled={!zoomed} data-testid="reset-zoom">
          Reset zoom
        </button>
        <span className="muted" style={{ fontSize: 12 }}>
          Drag to zoom · Shift+drag to pan · Ctrl+wheel
          {state.bucket && state.bucket > 1 ? ` · ${formatStep(state.bucket)} steps per point` : ''}
        </span>
      </div>
      {state.loading ? (
        <div className="chart-box">
          <div className="skeleton" style={{ height: '100%' }} />
        </div>
      ) : state.error ? (
        <ErrorState title="Could not load the LR series." error={state.error} retry={state.retry} />
      ) : lr.length === 0 ? (
        <div className="chart-box state" data-testid="no-points">
          <p>No points yet. They appear here as the trainer posts them.</p>
        </div>
      ) : (
        <ChartCanvas
          testId="lr-chart"
          label={`Learning rate of ${r.name}: actual against the configured schedule, by ${X_TITLES[f.mode]}`}
          datasets={datasets}
          xTitle={X_TITLES[f.mode]}
          yTitle="learning rate"
          xFormat={f.xFmt}
          integerX={f.mode === 'step'}
          xTooltip={f.xExact}
          yFormat={formatLr}
          yLog={yLog}
          annotations={annotations}
          onView={f.onView}
          resetKey={f.resetKey}
        />
      )}
      <ul className="legend" aria-label="Legend">
        <li>
          <span className="swatch" style={{ borderColor: RUN_COLORS.actual }} /> actual LR (logged)
        </li>
        <li>
          <span className="swatch dashed" style={{ borderColor: RUN_COLORS.expected }} /> expected LR ({r.schedule ? r.schedule.name : 'no schedule'})
        </li>
        {bucketed && (
          <li>
            <span className="swatch area" style={{ background: RUN_COLORS.band }} /> min–max of each bucket
          </li>
        )}
        {annotations.boxes!.length > 0 && (
          <li>
            <span className="swatch area" style={{ background: 'rgba(220, 38, 38, 0.25)' }} /> where they disagree
          </li>
        )}
      </ul>
      <span className="sr-only" data-testid="lr-last-step" aria-live="off">
        {lr.length ? lr[lr.length - 1].step : ''}
      </span>
      {optimizer?.verdict && <VerdictPanel verdict={optimizer.verdict} optimizer={optimizer.name} />}
    </section>
  );
}
