'use client';
// The one place that talks to Chart.js: owns the canvas and the chart's lifecycle. Data comes
// in as sorted {x, y} arrays (parsing off, animations off); updates reuse the chart with
// update('none'), so a live append does not rebuild it and a zoom survives new data. Zoom and
// pan report the visible x range so the page can fetch that range at full detail.
import type { Chart as ChartType, ChartDataset, ChartOptions, ScatterDataPoint } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTheme } from '@/components/theme-toggle';
import { exactNumber, formatStep } from '@/lib/ui/format';

export type XY = ScatterDataPoint;
export type LineDataset = ChartDataset<'line', XY[]>;

export interface ChartAnnotations {
  /** Vertical markers (e.g. the first bad step). */
  lines?: { x: number; label: string; color?: string }[];
  /** Shaded x ranges (e.g. where actual and expected LR disagree). */
  boxes?: { from: number; to: number; color?: string; label?: string }[];
}

export interface ChartCanvasProps {
  datasets: LineDataset[];
  /** Accessible name of the chart (the canvas is an image to screen readers). */
  label: string;
  xTitle: string;
  yTitle?: string;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  /** Tooltip x: exact (a whole step, a full date); defaults to xFormat. */
  xTooltip?: (v: number) => string;
  /** x is a step count: ticks only on whole numbers. */
  integerX?: boolean;
  yLog?: boolean;
  annotations?: ChartAnnotations;
  /** Called after a zoom or pan with the visible x range; null after a reset. */
  onView?: (range: { min: number; max: number } | null) => void;
  /** Changing this resets zoom and pan (e.g. when the x axis changes meaning). */
  resetKey?: string | number;
  className?: string;
  testId?: string;
}

let registered: Promise<typeof ChartType> | null = null;

/** A macrotask boundary: what comes after runs in a task of its own. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

// chartjs-plugin-zoom pulls in hammerjs, which needs `window`: load everything in the browser only.
// Chart.js and each plugin are evaluated in tasks of their own: together they are one long task
// on a phone, and the page cannot answer a tap until it ends.
function loadChartJs() {
  registered ??= (async () => {
    const { Chart } = await import('./chart-setup');
    await nextTask();
    const { default: annotation } = await import('chartjs-plugin-annotation');
    await nextTask();
    const { default: zoom } = await import('chartjs-plugin-zoom');
    Chart.register(annotation, zoom);
    return Chart;
  })();
  return registered;
}

function annotationOptions(a: ChartAnnotations | undefined) {
  const out: Record<string, object> = {};
  a?.boxes?.forEach((b, i) => {
    out[`box${i}`] = {
      type: 'box',
      xMin: b.from,
      xMax: b.to,
      backgroundColor: b.color ?? 'rgba(220, 38, 38, 0.08)',
      borderWidth: 0,
      label: b.label ? { display: true, content: b.label, position: { x: 'start', y: 'start' }, color: '#b91c1c', font: { size: 11 } } : undefined,
    };
  });
  a?.lines?.forEach((l, i) => {
    out[`line${i}`] = {
      type: 'line',
      xMin: l.x,
      xMax: l.x,
      borderColor: l.color ?? '#b91c1c',
      borderWidth: 1.5,
      borderDash: [4, 3],
      label: { display: true, content: l.label, position: 'start', backgroundColor: l.color ?? '#b91c1c', color: '#fff', font: { size: 11 }, padding: 3 },
    };
  });
  return out;
}

/** Text and grid colours of the page's theme (CSS variables), for what Chart.js paints. */
function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { text: get('--muted', '#525b69'), grid: get('--chart-grid', 'rgba(0,0,0,0.1)'), panel: get('--panel', '#fff'), fg: get('--text', '#111827') };
}

/** Paints the page's theme into a chart's options (before it is built, or before a redraw). */
function applyTheme(options: ChartOptions<'line'>) {
  const c = themeColors();
  const scales = options.scales as Record<string, { ticks?: { color?: string }; grid?: { color?: string }; title?: { color?: string } }>;
  for (const axis of Object.values(scales)) {
    axis.ticks = { ...axis.ticks, color: c.text };
    axis.grid = { ...axis.grid, color: c.grid };
    axis.title = { ...axis.title, color: c.text };
  }
  const tooltip = options.plugins!.tooltip!;
  tooltip.backgroundColor = c.panel;
  tooltip.titleColor = c.fg;
  tooltip.bodyColor = c.fg;
  tooltip.borderColor = c.grid;
  tooltip.borderWidth = 1;
}

/**
 * Calls `build` with Chart.js once `el` is in the viewport, in a task of its own: a page's charts
 * are built one per task as they come into view (a phone shows one or two at first), not all in
 * the task that finished loading Chart.js. Returns a cancel.
 */
function whenNearViewport(el: Element, build: (Chart: typeof ChartType) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      void loadChartJs().then((Chart) => {
        if (!cancelled) timer = setTimeout(() => build(Chart), 0);
      });
    },
    { rootMargin: '0px' },
  );
  observer.observe(el);
  return () => {
    cancelled = true;
    observer.disconnect();
    clearTimeout(timer);
  };
}

/** Applies the current props to the chart and redraws it. */
function redraw(chart: ChartType<'line', XY[]>, props: ChartCanvasProps) {
  chart.data.datasets = props.datasets;
  const scales = chart.options.scales as Record<string, { type?: string; title?: { display?: boolean; text?: string } }>;
  scales.y.type = props.yLog ? 'logarithmic' : 'linear';
  scales.x.title = { display: true, text: props.xTitle };
  scales.y.title = { display: !!props.yTitle, text: props.yTitle ?? '' };
  chart.options.plugins!.annotation = { annotations: annotationOptions(props.annotations) };
  const x = chart.options.scales!.x as { ticks: { precision?: number } };
  x.ticks.precision = props.integerX ? 0 : undefined;
  applyTheme(chart.options);
  chart.update('none');
}

export function ChartCanvas(props: ChartCanvasProps) {
  const theme = useTheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<ChartType<'line', XY[]> | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  // A reset is not a user's zoom: do not report it back as a view.
  const resetting = useRef(false);
  // The redraw waiting for the next frame, if any.
  const frame = useRef(0);

  // Create once, when near the viewport; destroy on unmount.
  useEffect(() => {
    let disposed = false;
    let cancel = () => {};
    const build = (Chart: typeof ChartType) => {
      if (disposed || !canvasRef.current) return;
      const p = propsRef.current;
      const report = ({ chart }: { chart: ChartType }) => {
        if (resetting.current) return;
        const x = chart.scales.x;
        propsRef.current.onView?.({ min: x.min, max: x.max });
      };
      const options: ChartOptions<'line'> = {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0, hitRadius: 6, hoverRadius: 3 }, line: { borderWidth: 1.6, tension: 0 } },
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: p.xTitle },
            // The axis ends of a zoom are wherever the drag stopped: no label there, only on round ticks.
            ticks: { maxRotation: 0, autoSkipPadding: 16, includeBounds: false, precision: p.integerX ? 0 : undefined, callback: (v) => (propsRef.current.xFormat ? propsRef.current.xFormat(Number(v)) : formatStep(Number(v))) },
          },
          y: { type: p.yLog ? 'logarithmic' : 'linear', title: { display: !!p.yTitle, text: p.yTitle ?? '' }, ticks: { callback: (v) => (propsRef.current.yFormat ? propsRef.current.yFormat(Number(v)) : String(v)) } },
        },
        plugins: {
          legend: { display: false },
          decimation: { enabled: true, algorithm: 'min-max' },
          tooltip: {
            callbacks: {
              title: (items) => {
                if (!items[0]) return '';
                const x = items[0].parsed.x ?? 0;
                const f = propsRef.current.xTooltip ?? propsRef.current.xFormat;
                return `${propsRef.current.xTitle} ${f ? f(x) : formatStep(x)}`;
              },
              // Exact values: a user reading 7.5e-3 off a tooltip wants 0.0075 or 0.00749, not a rounding.
              label: (item) => `${item.dataset.label}: ${exactNumber(item.parsed.y ?? 0)}`,
            },
            filter: (item) => !(item.dataset as { hideInTooltip?: boolean }).hideInTooltip,
          },
          annotation: { annotations: annotationOptions(p.annotations) },
          zoom: {
            limits: { x: { minRange: 1 } },
            pan: { enabled: true, mode: 'x', modifierKey: 'shift', onPanComplete: report },
            zoom: { mode: 'x', wheel: { enabled: true, modifierKey: 'ctrl' }, drag: { enabled: true, backgroundColor: 'rgba(37, 99, 235, 0.12)' }, pinch: { enabled: true }, onZoomComplete: report },
          },
        },
      };
      // Themed before it is built: a second update to paint it costs as much as drawing it again.
      applyTheme(options);
      chartRef.current = new Chart<'line', XY[]>(canvasRef.current, { type: 'line', data: { datasets: p.datasets }, options });
    };
    if (canvasRef.current) cancel = whenNearViewport(canvasRef.current, build);
    return () => {
      disposed = true;
      cancel();
      cancelAnimationFrame(frame.current);
      chartRef.current?.destroy();
      chartRef.current = null;
    };
  }, []);

  // Data, scales and markers: updated in place, at most once per frame (data arriving in several
  // replies, or a live feed, redraws once for all of it).
  useEffect(() => {
    if (!chartRef.current || frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (chartRef.current) redraw(chartRef.current, propsRef.current);
    });
  });
  // (The effect above runs on every render; a theme change renders this component.)
  void theme;

  // Reset zoom when asked.
  const firstReset = useRef(true);
  useEffect(() => {
    if (firstReset.current) {
      firstReset.current = false;
      return;
    }
    const chart = chartRef.current as (ChartType & { resetZoom?: (mode?: string) => void }) | null;
    resetting.current = true;
    try {
      chart?.resetZoom?.('none');
    } finally {
      resetting.current = false;
    }
  }, [props.resetKey]);

  return (
    <div className={`chart-box ${props.className ?? ''}`} data-testid={props.testId} data-points={props.datasets.reduce((n, d) => n + d.data.length, 0)}>
      <canvas ref={canvasRef} role="img" aria-label={props.label} />
    </div>
  );
}
