// The verdict on a whole logged run, one detector per optimizer (one for a run with a single
// optimizer), for `lrscope check`. The server reaches the same verdict batch by batch
// (src/server/runs/run-verdicts.ts) from the same pieces: verdictTracks, asOptimizer, the
// detector's input builder and combineVerdicts. Pure.
import { detect, detectorInput, type RunPoint, type RunSettings } from '../detect';
import type { Schedule, ScheduleSpec } from '../schedules/types';
import { noScheduleVerdict, type Verdict } from '../verdict';
import { combineVerdicts } from './combine-verdicts';
import { asOptimizer, type PointOptimizers } from './optimizer-points';
import { type RunOptimizer, verdictTracks } from './run-optimizers';

export interface LoggedRun extends Omit<RunSettings, 'schedule'> {
  schedule: ScheduleSpec | null;
  optimizers?: RunOptimizer[] | null;
  points: readonly (RunPoint & { optimizers?: PointOptimizers | null })[];
}

export function runVerdict(run: LoggedRun, compile?: (spec: ScheduleSpec) => Schedule): Verdict {
  const tracks = verdictTracks({ schedule: run.schedule, cadence: run.cadence, optimizers: run.optimizers });
  const verdicts = tracks.map((t) => {
    if (!t.schedule) return noScheduleVerdict();
    const points = t.optimizer === null ? run.points : run.points.map((p) => asOptimizer(p, t.optimizer!, t.first));
    return detect(detectorInput({ schedule: t.schedule, stepsPerEpoch: run.stepsPerEpoch, config: run.config, cadence: t.cadence, plannedSteps: run.plannedSteps, points }, compile));
  });
  return tracks[0].optimizer === null ? verdicts[0] : combineVerdicts(tracks.map((t, i) => [t.optimizer!, verdicts[i]] as const));
}
