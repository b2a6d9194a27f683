// The shape runs have on the wire (runs.list, runs.get) and in the pages.
import type { RunOptimizer } from '@/lib/optimizers/run-optimizers';
import type { ScheduleSpec } from '@/lib/schedules/types';
import { type HealthIssue, runHealth } from '@/lib/ui/health';
import { type ObservedCadence, type Verdict, noScheduleVerdict, unknownVerdict } from '@/lib/verdict';

export type RunStatus = 'running' | 'finished' | 'crashed' | 'stalled';

export interface RunSummary {
  id: number;
  project: string;
  name: string;
  status: RunStatus;
  tags: string[];
  schedule: ScheduleSpec | null;
  stepsPerEpoch: number | null;
  config: Record<string, unknown> | null;
  cadence: ObservedCadence | null;
  /** Runs with several optimizers: each one's schedule and cadence, first optimizer first; else []. */
  optimizers: RunOptimizer[];
  metricNames: string[];
  startedAt: string;
  lastSeenAt: string;
  finishedAt: string | null;
  lastStep: number | null;
  lastLr: number | null;
  lastLoss: number | null;
  expectedLr: number | null;
  pointCount: number;
  verdict: Verdict;
  /** What is wrong with the training itself, beside the LR verdict: NaN/Inf loss, stalled. */
  health: HealthIssue[];
  /** Markdown, as written on the run page. */
  notes: string | null;
  /** When it was archived; null when it is not. */
  archivedAt: string | null;
}

// The open (or acknowledged) alerts that say a run is unhealthy; they carry where it started.
const HEALTH_KINDS = ['nonfinite_loss', 'stalled'];

export const RUN_SUMMARY_SELECT = {
  id: true,
  name: true,
  status: true,
  schedule: true,
  stepsPerEpoch: true,
  config: true,
  cadence: true,
  optimizers: true,
  metricNames: true,
  startedAt: true,
  lastSeenAt: true,
  finishedAt: true,
  lastStep: true,
  lastLr: true,
  lastLoss: true,
  expectedLr: true,
  pointCount: true,
  verdict: true,
  notes: true,
  archivedAt: true,
  project: { select: { name: true } },
  tags: { select: { tag: true }, orderBy: { tag: 'asc' } },
  alerts: { where: { openKey: { not: null }, kind: { in: HEALTH_KINDS } }, select: { kind: true, step: true, openedAt: true } },
} as const;

export interface RunRow {
  id: number;
  name: string;
  status: string;
  schedule: unknown;
  stepsPerEpoch: number | null;
  config: unknown;
  cadence: unknown;
  optimizers: unknown;
  metricNames: unknown;
  startedAt: Date;
  lastSeenAt: Date;
  finishedAt: Date | null;
  lastStep: number | null;
  lastLr: number | null;
  lastLoss: number | null;
  expectedLr: number | null;
  pointCount: number;
  verdict: unknown;
  notes: string | null;
  archivedAt: Date | null;
  project: { name: string };
  tags: { tag: string }[];
  alerts: { kind: string; step: number | null; openedAt: Date }[];
}

export function toRunSummary(row: RunRow): RunSummary {
  const schedule = (row.schedule as ScheduleSpec | null) ?? null;
  return {
    id: row.id,
    project: row.project.name,
    name: row.name,
    status: row.status as RunStatus,
    tags: row.tags.map((t) => t.tag),
    schedule,
    stepsPerEpoch: row.stepsPerEpoch,
    config: (row.config as Record<string, unknown> | null) ?? null,
    cadence: (row.cadence as ObservedCadence | null) ?? null,
    optimizers: (row.optimizers as RunOptimizer[] | null) ?? [],
    metricNames: (row.metricNames as string[] | null) ?? [],
    startedAt: row.startedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    lastStep: row.lastStep,
    lastLr: row.lastLr,
    lastLoss: row.lastLoss,
    expectedLr: row.expectedLr,
    pointCount: row.pointCount,
    verdict: (row.verdict as Verdict | null) ?? (schedule || row.optimizers ? unknownVerdict() : noScheduleVerdict()),
    health: runHealth(
      row.status,
      row.alerts.map((a) => ({ kind: a.kind, step: a.step, since: a.openedAt.toISOString() })),
      { step: row.lastStep, at: row.lastSeenAt.toISOString() },
    ),
    notes: row.notes,
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}
