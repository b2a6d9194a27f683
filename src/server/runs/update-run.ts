import { mergeOptimizers, type OptimizersInput, type RunOptimizer } from '@/lib/optimizers/run-optimizers';
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { ObservedCadence } from '@/lib/verdict';
import type { Db } from '../db/open-database';
import type { ChangeScope } from '../alerts/scope';
import type { RunVerdicts } from './run-verdicts';
import { findWritableRun } from './find-writable-run';

export interface UpdateRunInput {
  runId: number;
  name?: string;
  /** Markdown; null or "" clears it. */
  notes?: string | null;
  schedule?: ScheduleSpec;
  stepsPerEpoch?: number;
  cadence?: ObservedCadence;
  /** Each optimizer's schedule and cadence; merged into the run's by name. */
  optimizers?: OptimizersInput;
  config?: Record<string, unknown>;
  tags?: string[];
}

/**
 * What a trainer learns after creating the run (the schedule read from the scheduler, its
 * cadence), and what people edit on the run page (name, notes, tags).
 */
export async function updateRun({ prisma, live }: Db, verdicts: RunVerdicts, scope: ChangeScope, input: UpdateRunInput, now = new Date()): Promise<void> {
  const run = await findWritableRun(prisma, scope, input.runId);
  // Only what a trainer sends means the run is alive: renaming last month's run from the
  // dashboard must not move it to the top of the table or wake it from "stalled".
  const fromTrainer = input.schedule !== undefined || input.stepsPerEpoch !== undefined || input.cadence !== undefined || input.optimizers !== undefined || input.config !== undefined;
  await prisma.run.update({
    where: { id: input.runId },
    data: {
      ...(fromTrainer && { lastSeenAt: now }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.notes !== undefined && { notes: input.notes || null }),
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
