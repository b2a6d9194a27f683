import { mergeOptimizers, type OptimizersInput } from '@/lib/optimizers/run-optimizers';
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { Db } from '../db/open-database';
import { AppError } from '../errors';
import type { Principal } from '../keys/authenticate';
import type { RunVerdicts } from './run-verdicts';

export interface CreateRunInput {
  name: string;
  project?: string;
  schedule?: ScheduleSpec;
  stepsPerEpoch?: number;
  /** Runs with several optimizers: each one's schedule (and cadence), in the client's order. */
  optimizers?: OptimizersInput;
  config?: Record<string, unknown>;
  tags?: string[];
  clientId?: string;
}

/** Creates a run in the key's project; with a clientId, creating again returns the same run. */
export async function createRun({ prisma, live }: Db, verdicts: RunVerdicts, principal: Principal, input: CreateRunInput, now = new Date()): Promise<{ id: number }> {
  if (input.project !== undefined && input.project !== principal.projectName) {
    throw new AppError('FORBIDDEN', `project: this API key belongs to project "${principal.projectName}", not "${input.project}"`);
  }
  if (input.clientId !== undefined) {
    const existing = await prisma.run.findUnique({
      where: { projectId_clientId: { projectId: principal.projectId, clientId: input.clientId } },
      select: { id: true },
    });
    if (existing) return existing;
  }
  const run = await prisma.run.create({
    data: {
      projectId: principal.projectId,
      clientId: input.clientId,
      name: input.name,
      schedule: input.schedule as object | undefined,
      optimizers: input.optimizers && (mergeOptimizers(null, input.optimizers) as object[]),
      verdictKind: input.schedule || input.optimizers ? 'unknown' : 'no_schedule',
      stepsPerEpoch: input.stepsPerEpoch,
      config: input.config as object | undefined,
      startedAt: now,
      lastSeenAt: now,
      tags: input.tags?.length ? { create: [...new Set(input.tags)].map((tag) => ({ tag })) } : undefined,
    },
    select: { id: true },
  });
  // Plausibility warnings on the spec are known before the first point.
  if (input.schedule || input.optimizers) await verdicts.refresh(run.id);
  live.publish({ type: 'run', runId: run.id });
  return run;
}
