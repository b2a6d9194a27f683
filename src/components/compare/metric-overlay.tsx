'use client';
// Any metric the compared runs logged (val loss, accuracy, grad norm, ...), overlaid, on the
// same x axis as the LR and loss charts.
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { memo, useState } from 'react';
import { ChartCanvas, type LineDataset } from '@/components/chart/chart-canvas';
import { type AxisMaps, bucketsToXY, X_TITLES, type XMode } from '@/lib/ui/axes';
import { formatValue } from '@/lib/ui/format';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import { PALETTE } from './palette';

const MAX_POINTS = 1500;

export const MetricOverlay = memo(function MetricOverlay({ ids, runs, mode, maps, xFormat }: { ids: number[]; runs: (Run | undefined)[]; mode: XMode; maps: AxisMaps[]; xFormat: (v: number) => string }) {
  const trpc = useTRPC();
  const names = [...new Set(runs.flatMap((r) => r?.metricNames ?? []))].sort();
  const [picked, setPicked] = useState<string | null>(null);
  const metric = picked && names.includes(picked) ? picked : (names[0] ?? null);
  const series = useQueries({
    queries: ids.map((id, i) => ({
      ...trpc.runs.series.queryOptions({ runId: id, metric: metric ?? 'loss', maxPoints: MAX_POINTS }),
      enabled: metric !== null && (runs[i]?.metricNames ?? []).includes(metric),
      placeholderData: keepPreviousData,
    })),
  });
  if (!metric) return null;
  const datasets: LineDataset[] = ids.flatMap((id, i) => {
    const data = series[i]?.data;
    if (!data || !(runs[i]?.metricNames ?? []).includes(metric)) return [];
    const color = PALETTE[i % PALETTE.length];
    return [{ label: runs[i]?.name ?? `run ${id}`, data: bucketsToXY(data.points, mode, maps[i], (b) => b.value), borderColor: color, backgroundColor: color, borderWidth: 1.8 }];
  });
  return (
    <section className="panel" aria-labelledby="cmp-metric" data-testid="compare-metric">
      <div className="chart-tools">
        <h2 id="cmp-metric" style={{ margin: 0 }}>
          Metric
        </h2>
        <label htmlFor="cmp-metric-pick" className="sr-only">
          Metric to compare
        </label>
        <select id="cmp-metric-pick" value={metric} onChange={(e) => setPicked(e.target.value)}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <ChartCanvas testId="compare-metric-chart" label={`${metric} of ${datasets.length} runs by ${X_TITLES[mode]}`} datasets={datasets} xTitle={X_TITLES[mode]} xFormat={xFormat} yFormat={formatValue} yTitle={metric} resetKey={`${mode}:${metric}`} />
    </section>
  );
});
