'use client';
// 2–10 runs overlaid: LR actual (solid) and expected (dashed), loss with EMA smoothing, aligned
// by step, epoch, wall time or time since each run started. The selection lives in the URL.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { StatusBadge, VerdictBadge } from '@/components/badges';
import { ChartCanvas, type LineDataset } from '@/components/chart/chart-canvas';
import { useProjectParam } from '@/components/nav/project-switcher';
import { Empty } from '@/components/states';
import { useChartPoints } from '@/components/use-chart-points';
import { type AxisMaps, axisAvailable, bucketsToXY, epochMap, stepMap, X_MODES, X_TITLES, type XMode, xExactFormatter, xFormatter } from '@/lib/ui/axes';
import { COMPARE_MAX, COMPARE_MIN, type CompareState, compareQuery, parseCompare } from '@/lib/ui/compare-url';
import { ema } from '@/lib/ui/ema';
import { formatLr, formatValue } from '@/lib/ui/format';
import { useTRPC } from '@/trpc/client';
import type { CompareSeries, Run, Series } from '@/trpc/types';
import { ConfigDiff } from './config-diff';
import { MetricOverlay } from './metric-overlay';
import { PALETTE } from './palette';
import { ScheduleDiff } from './schedule-diff';

// The compare charts' props are stable between replies (memoised data and formatters): the many
// renders the series' arrival causes skip them.
const CompareChart = memo(ChartCanvas);

// Epoch and time only map steps to x values: a few hundred samples draw the axis as well as more.
const AXIS_SAMPLES = 300;

export function CompareView() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const state = useMemo(() => parseCompare(new URLSearchParams(params?.toString() ?? '')), [params]);
  const [yLog, setYLog] = useState(false);
  // Each choice is a history entry: Back undoes it.
  const update = (patch: Partial<CompareState>) => router.push(`${pathname}?${compareQuery({ ...state, ...patch })}`, { scroll: false });
  // One point per pixel of a full-width chart at most: more is bytes the chart cannot draw.
  const maxPoints = useChartPoints(1000);
  const [zoomed, setZoomed] = useState(false);
  const [resetKey, setResetKey] = useState(0);
  const resetZoom = () => {
    setZoomed(false);
    setResetKey((k) => k + 1);
  };

  const runs = useQueries({ queries: useMemo(() => state.runs.map((id) => trpc.runs.get.queryOptions({ id })), [trpc, state.runs]) });
  // One reply per run: its LR, expected LR and loss at the chart's width, and the samples its x
  // axes need. The list is the same array from render to render, so React Query reuses its options.
  const series = useQueries({
    queries: useMemo(() => state.runs.map((id) => ({ ...trpc.runs.compareSeries.queryOptions({ runId: id, maxPoints, axisSamples: AXIS_SAMPLES }), placeholderData: keepPreviousData })), [trpc, state.runs, maxPoints]),
  });
  // Derived data is recomputed only when a reply changed it, not on every render while the others arrive.
  const seriesData = useSameItems(series.map((q) => q.data));
  const maps: AxisMaps[] = useMemo(() => state.runs.map((_, i) => ({ epoch: epochMap(seriesData[i]?.epoch.points ?? []), time: stepMap(seriesData[i]?.time.points ?? []) })), [state.runs, seriesData]);
  const loadedMaps = maps.filter((_, i) => seriesData[i]);
  const available = (m: XMode) => loadedMaps.length > 0 && loadedMaps.every((mp) => axisAvailable(m, mp));
  const mode: XMode = available(state.x) ? state.x : 'step';
  const spanMs = mode === 'wall' ? Math.max(0, ...maps.map((m) => (m.time.values.length ? (m.time.values[m.time.values.length - 1] - m.time.values[0]) * 1000 : 0))) : undefined;
  // Stable while the axis is: the charts and sections below skip the render each reply causes.
  const xFmt = useMemo(() => xFormatter(mode, spanMs), [mode, spanMs]);
  const xExact = useMemo(() => xExactFormatter(mode), [mode]);
  const onView = useCallback((range: { min: number; max: number } | null) => setZoomed(range !== null), []);

  const runData = useSameItems(runs.map((q) => q.data?.run));
  const missing = runs.map((q, i) => (q.isError ? state.runs[i] : null)).filter((x): x is number => x !== null);
  // The charts' points are built from a deferred copy of the replies: in a render React can pause,
  // not in the urgent one each reply triggers.
  const chartInputs = useDeferredValue(useMemo(() => ({ runIds: state.runs, smooth: state.smooth, mode, maps, runData, seriesData }), [state.runs, state.smooth, mode, maps, runData, seriesData]));
  const { lrDatasets, lossDatasets } = useMemo(() => compareDatasets(chartInputs), [chartInputs]);

  const remove = (id: number) => update({ runs: state.runs.filter((r) => r !== id) });
  const add = (id: number) => !state.runs.includes(id) && state.runs.length < COMPARE_MAX && update({ runs: [...state.runs, id] });
  // What the series' arrival adds (three charts, the config and schedule comparisons) is drawn in
  // a render React can pause to let the page respond, not in one long task.
  const loading = useDeferredValue(runs.some((q) => q.isPending) || series.some((q) => q.isPending && !q.data));

  return (
    <>
      <div className="page-head">
        <h1>Compare runs</h1>
        <span className="spacer" />
        <RunPicker selected={state.runs} onAdd={add} />
      </div>
      {state.dropped.length > 0 && (
        <div role="status" className="panel notice" style={{ marginBottom: 12 }} data-testid="compare-dropped">
          At most {COMPARE_MAX} runs can be compared; left out: {state.dropped.map((id) => `run ${id}`).join(', ')}.{' '}
          <button type="button" onClick={() => update({})}>
            Keep the first {COMPARE_MAX} only
          </button>
        </div>
      )}
      {missing.length > 0 && (
        <div role="alert" className="panel" style={{ marginBottom: 12, color: 'var(--bad)' }}>
          Not found: run{missing.length > 1 ? 's' : ''} {missing.join(', ')}.{' '}
          <button type="button" onClick={() => update({ runs: state.runs.filter((r) => !missing.includes(r)) })}>
            Remove from the comparison
          </button>
        </div>
      )}
      {state.runs.length < COMPARE_MIN ? (
        <Empty title={`Pick ${COMPARE_MIN} to ${COMPARE_MAX} runs to compare.`}>
          <p>
            Select runs in the <Link href="/">runs table</Link> and press Compare, or add them here with “Add a run”. The address of this page holds the selection, so you can share it.
          </p>
          {state.runs.length === 1 && <p>One run chosen so far: {runData[0]?.name ?? `run ${state.runs[0]}`}.</p>}
        </Empty>
      ) : (
        <>
          <section className="panel" aria-labelledby="cmp-legend">
            <h2 id="cmp-legend">Runs</h2>
            {/* One line per run whatever its name, so the charts below do not move when names load. */}
            <ul className="legend compare-legend" data-testid="compare-legend">
              {state.runs.map((id, i) => {
                const run = runData[i];
                return (
                  <li key={id} data-testid={`compare-run-${id}`}>
                    <span className="swatch" style={{ borderColor: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
                    <Link href={`/runs/${id}`} className="truncate" title={run?.name} style={{ maxWidth: 'min(420px, 60vw)' }} prefetch={false}>
                      {run?.name ?? `run ${id}`}
                    </Link>
                    {run && <VerdictBadge verdict={run.verdict} />}
                    {run && <StatusBadge status={run.status} />}
                    <button type="button" onClick={() => remove(id)} aria-label={`Remove ${run?.name ?? `run ${id}`} from the comparison`} style={{ minHeight: 24, padding: '0 6px' }}>
                      ×
                    </button>
                  </li>
                );
              })}
            </ul>
            <div className="chart-tools" style={{ marginTop: 12, marginBottom: 0 }}>
              <div className="seg" role="group" aria-label="Align by">
                {X_MODES.map((m) => (
                  <button key={m.mode} type="button" aria-pressed={mode === m.mode} disabled={!available(m.mode)} title={available(m.mode) ? undefined : 'Not every run logs this'} onClick={() => update({ x: m.mode })}>
                    {m.label}
                  </button>
                ))}
              </div>
              <label className="checkbox">
                <input type="checkbox" checked={yLog} onChange={(e) => setYLog(e.target.checked)} /> Log scale (LR)
              </label>
              <button type="button" onClick={resetZoom} disabled={!zoomed} data-testid="compare-reset-zoom">
                Reset zoom
              </button>
              <label className="checkbox" htmlFor="smooth">
                Loss smoothing (EMA)
              </label>
              <input id="smooth" type="range" min={0} max={0.99} step={0.01} value={state.smooth} onChange={(e) => update({ smooth: Number(e.target.value) })} aria-valuetext={state.smooth === 0 ? 'off' : String(state.smooth)} />
              <span className="mono">{state.smooth === 0 ? 'off' : state.smooth.toFixed(2)}</span>
            </div>
          </section>
          {/* The panels are drawn at once at their final size: the series fill them without moving anything. */}
          <section className="panel" aria-labelledby="cmp-lr" aria-busy={loading}>
            <h2 id="cmp-lr">Learning rate: actual (solid) and expected (dashed)</h2>
            {loading ? (
              <ChartPlaceholder />
            ) : (
              <CompareChart testId="compare-lr-chart" label={`Learning rate of ${state.runs.length} runs by ${X_TITLES[mode]}`} datasets={lrDatasets} xTitle={X_TITLES[mode]} xFormat={xFmt} yFormat={formatLr} integerX={mode === 'step'} xTooltip={xExact} yLog={yLog} yTitle="learning rate" resetKey={`${mode}-${resetKey}`} onView={onView} />
            )}
          </section>
          <section className="panel" aria-labelledby="cmp-loss" aria-busy={loading}>
            <h2 id="cmp-loss">Loss{state.smooth > 0 ? ` (EMA ${state.smooth.toFixed(2)}; raw faint)` : ''}</h2>
            {loading ? (
              <ChartPlaceholder />
            ) : (
              <CompareChart testId="compare-loss-chart" label={`Loss of ${state.runs.length} runs by ${X_TITLES[mode]}`} datasets={lossDatasets} xTitle={X_TITLES[mode]} xFormat={xFmt} integerX={mode === 'step'} xTooltip={xExact} yFormat={formatValue} resetKey={`${mode}-${resetKey}`} onView={onView} />
            )}
          </section>
          {!loading && (
            <>
              <MetricOverlay ids={state.runs} runs={runData} mode={mode} maps={maps} xFormat={xFmt} />
              <ConfigDiff runs={runData} />
              <ScheduleDiff runs={runData} />
            </>
          )}
        </>
      )}
    </>
  );
}

function ChartPlaceholder() {
  return (
    <div className="chart-box" role="status">
      <span className="sr-only">Loading series…</span>
      <div className="skeleton" style={{ height: '100%' }} />
    </div>
  );
}

function RunPicker({ selected, onAdd }: { selected: number[]; onAdd: (id: number) => void }) {
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(t);
  }, [text]);
  const project = useProjectParam();
  const list = useQuery({ ...trpc.runs.list.queryOptions({ search: q || undefined, project, limit: 8 }), enabled: open });
  const full = selected.length >= COMPARE_MAX;
  return (
    <div className="picker">
      <label htmlFor="add-run" className="sr-only">
        Add a run
      </label>
      <input id="add-run" type="search" placeholder={full ? `At most ${COMPARE_MAX} runs` : 'Add a run…'} disabled={full} value={text} onFocus={() => setOpen(true)} onChange={(e) => { setText(e.target.value); setOpen(true); }} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)} role="combobox" aria-autocomplete="list" aria-expanded={open && !full} aria-controls="add-run-list" />
      {open && !full && (
        <ul id="add-run-list" className="panel">
          {list.isError && <li className="muted">Could not search runs.</li>}
          {list.data?.runs.length === 0 && <li className="muted">No runs match.</li>}
          {list.data?.runs.map((r: Run) => (
            <li key={r.id}>
              <button type="button" disabled={selected.includes(r.id)} onClick={() => { onAdd(r.id); setText(''); setOpen(false); }} style={{ width: '100%', justifyContent: 'space-between', border: 0 }}>
                <span className="truncate" title={r.name}>
                  {r.name}
                </span>
                <VerdictBadge verdict={r.verdict} />
              </button>
            </li>
          ))}
          <li>
            <button type="button" onClick={() => setOpen(false)} style={{ width: '100%', border: 0 }} className="muted">
              Close
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}

/** The same array as last render while its items are the same ones: a stable memo input for a list of query results. */
function useSameItems<T>(items: T[]): T[] {
  const last = useRef(items);
  if (last.current.length !== items.length || last.current.some((x, i) => x !== items[i])) last.current = items;
  return last.current;
}

interface ChartInputs {
  runIds: number[];
  smooth: number;
  mode: XMode;
  maps: AxisMaps[];
  runData: (Run | undefined)[];
  seriesData: (CompareSeries | undefined)[];
}

/** The LR chart's lines (actual solid, expected dashed) and the loss chart's (EMA over faint raw), one colour per run. */
function compareDatasets({ runIds, smooth, mode, maps, runData, seriesData }: ChartInputs): { lrDatasets: LineDataset[]; lossDatasets: LineDataset[] } {
  const points = (s: Series | undefined, i: number) => (s ? bucketsToXY(s.points, mode, maps[i], (b) => b.value) : []);
  const lrSets: LineDataset[] = [];
  const lossSets: LineDataset[] = [];
  runIds.forEach((id, i) => {
    const run = runData[i];
    const series = seriesData[i];
    const color = PALETTE[i % PALETTE.length];
    const name = run?.name ?? `run ${id}`;
    lrSets.push({ label: `${name} actual`, data: points(series?.lr, i), borderColor: color, backgroundColor: color, borderWidth: 2 });
    lrSets.push({ label: `${name} expected`, data: points(series?.expected, i), borderColor: color, backgroundColor: color, borderDash: [6, 4], borderWidth: 1.3 });
    const raw = points(series?.loss, i);
    if (smooth > 0) lossSets.push({ label: `${name} raw`, data: raw, borderColor: `${color}33`, backgroundColor: `${color}33`, borderWidth: 1, hideInTooltip: true } as LineDataset);
    lossSets.push({ label: name, data: smooth > 0 ? ema(raw as { x: number; y: number }[], smooth) : raw, borderColor: color, backgroundColor: color, borderWidth: 1.8 });
  });
  return { lrDatasets: lrSets, lossDatasets: lossSets };
}
