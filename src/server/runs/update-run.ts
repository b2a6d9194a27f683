import { mergeOptimizers, type OptimizersInput, type RunOptimizer } from '@/lib/optimizers/run-optimizers';
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { ObservedCadence } from '@/lib/verdict';
import type { Db } from '../db/open-database';
import type { Principal } from '../keys/authenticate';
import type { RunVerdicts } from './run-verdicts';
import { findWritableRun } from './find-writable-run';

export interface UpdateRunInput {
  runId: number;
  schedule?: ScheduleSpec;
  stepsPerEpoch?: number;
  cadence?: ObservedCadence;
  /** Each optimizer's schedule and cadence; merged into the run's by name. */
  optimizers?: OptimizersInput;
  config?: Record<string, unknown>;
  tags?: string[];
}

/** What a trainer learns after creating the run: the schedule read from the scheduler, its cadence. */
export async function updateRun({ prisma, live }: Db, verdicts: RunVerdicts, principal: Principal, input: UpdateRunInput, now = new Date()): Promise<void> {
  const run = await findWritableRun(prisma, principal, input.runId);
  await prisma.run.update({
    where: { id: input.runId },
    data: {
      lastSeenAt: now,
      ...(input.schedule !== undefined && { schedule: input.schedule as object }),
      ...(input.stepsPerEpoch !== undefined && { stepsPerEpoch: input.stepsPerEpoch }),
      ...(input.cadence !== undefined && { cadence: input.cadence as object }),
      ...(input.optimizers !== undefined && { optimizers: mergeOptimizers(run.optimizers as RunOptimizer[] | null, input.optimizers) as object[] }),
      ...(input.config !== undefined && { config: input.config as object }),
      ...(input.tags !== undefined && { tags: { deleteMany: {}, create: [...new Set(input.tags)].map((tag) => ({ tag })) } }),
    },
  });
  if (input.schedule !== undefined || input.stepsPerEpoch !== undefined || input.cadence !== undefined || input.optimizers !== undefined) await verdicts.refresh(input.runId);
  live.publish({ type: 'run', runId: input.runId });
}
