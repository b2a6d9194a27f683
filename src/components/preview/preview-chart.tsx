'use client';
// The previewed LR over optimizer steps: what the trainer will produce (solid), the schedule as
// written when that differs (dashed), and a checked log's LR when one is loaded. Bucketed curves
// carry a min–max band so a drop or a fast cycle inside a bucket stays visible.
import { useState } from 'react';
import { ChartCanvas, type ChartAnnotations, type LineDataset } from '@/components/chart/chart-canvas';
import type { Bucket } from '@/lib/downsample';
import type { PreviewOk } from '@/lib/preview';
import { X_TITLES, xFormatter } from '@/lib/ui/axes';
import { formatLr } from '@/lib/ui/format';

export const COLORS = { actual: '#ea580c', band: 'rgba(234, 88, 12, 0.18)', intended: '#334155', logged: '#2563eb' };

type XMode = 'step' | 'epoch';

function xy(buckets: Bucket[], toX: (step: number) => number, y: (b: Bucket) => number) {
  return buckets.map((b) => ({ x: toX(b.step), y: y(b) }));
}

const INTERVAL_WORDS = { step: 'stepped every optimizer step', epoch: 'stepped once per epoch' };

export function PreviewChart({ result, logged, logName }: { result: PreviewOk; logged?: Bucket[]; logName?: string }) {
  const [xMode, setXMode] = useState<XMode>('step');
  const [yLog, setYLog] = useState(false);
  const [zoomed, setZoomed] = useState(false);
  const [resetKey, setResetKey] = useState(0);
  const spe = result.run.stepsPerEpoch;
  const toX = xMode === 'step' ? (s: number) => s : (s: number) => s / spe;
  const { actual, intended } = result.curves;
  const banded = actual.some((b) => b.min !== b.max);
  // A drop inside one bucket is a sliver of band; only a schedule that moves within most points
  // (a fast cycle) makes the band worth a legend entry.
  const span = result.lr.max - result.lr.min;
  const bandWorthNaming = actual.filter((b) => b.max - b.min > 0.02 * span).length > 0.05 * actual.length;

  const datasets: LineDataset[] = [
    { label: `LR the trainer will produce (${INTERVAL_WORDS[result.actual]})`, data: xy(actual, toX, (b) => b.value), borderColor: COLORS.actual, backgroundColor: COLORS.actual, borderWidth: 2.2, order: 1 },
  ];
  if (intended) {
    datasets.push({ label: `LR as written (${INTERVAL_WORDS[result.intended]})`, data: xy(intended, toX, (b) => b.value), borderColor: COLORS.intended, backgroundColor: COLORS.intended, borderDash: [6, 4], borderWidth: 1.6, order: 2 });
  }
  if (banded) {
    datasets.push(
      { label: 'max', data: xy(actual, toX, (b) => b.max), borderColor: 'transparent', pointRadius: 0, order: 4, hideInTooltip: true } as LineDataset,
      { label: 'min', data: xy(actual, toX, (b) => b.min), borderColor: 'transparent', backgroundColor: COLORS.band, fill: '-1', pointRadius: 0, order: 4, hideInTooltip: true } as LineDataset,
    );
  }
  if (logged?.length) {
    datasets.push({ label: `logged LR (${logName ?? 'log'})`, data: xy(logged, toX, (b) => b.value), borderColor: COLORS.logged, backgroundColor: COLORS.logged, borderWidth: 1.6, order: 0 });
  }
  const annotations: ChartAnnotations = { lines: result.markers.map((m) => ({ x: toX(m.step), label: m.label, color: m.label.startsWith('PyTorch raises') ? '#b91c1c' : '#334155' })) };
  const change = (m: XMode) => {
    setXMode(m);
    setZoomed(false);
    setResetKey((k) => k + 1);
  };

  return (
    <section className="panel chart-panel" aria-labelledby="curve-title" data-testid="preview-curves" data-curves={[intended ? 'intended' : '', 'actual', logged?.length ? 'logged' : ''].filter(Boolean).join(',')}>
      <div className="chart-tools">
        <h2 id="curve-title" style={{ margin: 0 }}>
          Learning rate over the run
        </h2>
        <div className="seg" role="group" aria-label="x axis">
          {(['step', 'epoch'] as const).map((m) => (
            <button key={m} type="button" aria-pressed={xMode === m} onClick={() => change(m)}>
              {m === 'step' ? 'Step' : 'Epoch'}
            </button>
          ))}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={yLog} onChange={(e) => setYLog(e.target.checked)} /> Log scale
        </label>
        <button
          type="button"
          disabled={!zoomed}
          onClick={() => {
            setZoomed(false);
            setResetKey((k) => k + 1);
          }}
        >
          Reset zoom
        </button>
        <span className="muted" style={{ fontSize: 12 }}>
          Drag to zoom{result.bucket > 1 ? ` · ${result.bucket.toLocaleString('en-US')} steps per point` : ''}
        </span>
      </div>
      <ChartCanvas
        testId="preview-chart"
        label={`Learning rate of ${result.spec.name} over ${result.run.totalSteps.toLocaleString('en-US')} optimizer steps${intended ? ': as the trainer will step it, and as written' : ''}`}
        datasets={datasets}
        xTitle={X_TITLES[xMode]}
        yTitle="learning rate"
        xFormat={xFormatter(xMode)}
        yFormat={formatLr}
        yLog={yLog}
        annotations={annotations}
        onView={(range) => setZoomed(range !== null)}
        resetKey={resetKey}
      />
      <ul className="legend" aria-label="Legend">
        <li data-testid="legend-actual">
          <span className="swatch" style={{ borderColor: COLORS.actual }} /> {datasets[0].label}
        </li>
        {intended && (
          <li data-testid="legend-intended">
            <span className="swatch dashed" style={{ borderColor: COLORS.intended }} /> {datasets[1].label}
          </li>
        )}
        {bandWorthNaming && (
          <li>
            <span className="swatch area" style={{ background: COLORS.band }} /> min–max within each point
          </li>
        )}
        {logged?.length ? (
          <li data-testid="legend-logged">
            <span className="swatch" style={{ borderColor: COLORS.logged }} /> logged LR ({logName})
          </li>
        ) : null}
      </ul>
    </section>
  );
}
