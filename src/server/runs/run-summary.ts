// The shape runs have on the wire (runs.list, runs.get) and in the pages.
import type { ScheduleSpec } from '@/lib/schedules/types';
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
  /** Markdown, as written on the run page. */
  notes: string | null;
  /** When it was archived; null when it is not. */
  archivedAt: string | null;
}

export const RUN_SUMMARY_SELECT = {
  id: true,
  name: true,
  status: true,
  schedule: true,
  stepsPerEpoch: true,
  config: true,
  cadence: true,
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
} as const;

export interface RunRow {
  id: number;
  name: string;
  status: string;
  schedule: unknown;
  stepsPerEpoch: number | null;
  config: unknown;
  cadence: unknown;
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
    metricNames: (row.metricNames as string[] | null) ?? [],
    startedAt: row.startedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    lastStep: row.lastStep,
    lastLr: row.lastLr,
    lastLoss: row.lastLoss,
    expectedLr: row.expectedLr,
    pointCount: row.pointCount,
    verdict: (row.verdict as Verdict | null) ?? (schedule ? unknownVerdict() : noScheduleVerdict()),
    notes: row.notes,
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}
