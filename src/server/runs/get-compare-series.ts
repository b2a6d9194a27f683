// Everything the compare page draws of one run, in one reply: the LR (actual and expected) and
// the loss at the chart's width, and the step → epoch and step → time samples its x axes need.
// One query per run instead of five: a ten-run comparison is ten results for the page to take in,
// not fifty, on phones that feel each one.
import type { Db } from '../db/open-database';
import { loadSeriesRun, type Series, seriesOfRun } from './get-series';

export interface CompareSeriesInput {
  runId: number;
  /** Buckets per drawn series (LR, expected LR, loss). */
  maxPoints: number;
  /** Samples for the x axes (epoch, time): they only map steps to x, and a few hundred do. */
  axisSamples: number;
}

export interface CompareSeries {
  lr: Series;
  expected: Series;
  loss: Series;
  epoch: Series;
  time: Series;
}

export async function getCompareSeries(db: Db, { runId, maxPoints, axisSamples }: CompareSeriesInput): Promise<CompareSeries> {
  // The run is read once for the five.
  const run = await loadSeriesRun(db, runId);
  const series = (metric: string, points: number) => seriesOfRun(db, run, { runId, metric, maxPoints: points });
  const [lr, expected, loss, epoch, time] = await Promise.all([
    series('lr', maxPoints),
    series('expected_lr', maxPoints),
    series('loss', maxPoints),
    series('epoch', axisSamples),
    series('time', axisSamples),
  ]);
  return { lr, expected, loss, epoch, time };
}
