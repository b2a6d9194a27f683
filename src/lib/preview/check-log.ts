// A log checked against the previewed schedule, in the browser: the detector's verdict on the
// logged LR (against the schedule as written, on the clock the user meant) and the logged LR
// bucketed for the chart.
import { detect } from '../detect';
import { type Bucket, bucketWidth, downsample } from '../downsample';
import type { ImportedPoint } from '../import/to-points';
import { compileSchedule } from '../schedules';
import type { Verdict } from '../verdict';
import { MAX_CURVE_POINTS } from './build-preview';
import type { PreviewOk } from './types';

export interface LogCheck {
  verdict: Verdict;
  /** The logged LR, ≤ 2,000 buckets with min and max. */
  curve: Bucket[];
  points: number;
  lastStep: number;
}

export function checkLog(preview: PreviewOk, points: readonly ImportedPoint[]): LogCheck {
  const withLr = points.filter((p) => p.lr !== undefined);
  const verdict = detect({ schedule: compileSchedule(preview.spec), stepsPerEpoch: preview.run.stepsPerEpoch, points: withLr });
  const last = withLr.length ? withLr[withLr.length - 1].step : 0;
  const steps = withLr.map((p) => p.step);
  const lrs = withLr.map((p) => p.lr!);
  const curve = downsample(steps, lrs, 0, bucketWidth(0, last, MAX_CURVE_POINTS));
  return { verdict, curve, points: withLr.length, lastStep: last };
}
