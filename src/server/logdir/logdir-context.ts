// What a run follower needs from the server, for one log directory: its project, and the same
// services the API calls (createRun, logPoints, updateRun), so points from files get verdicts,
// live pages and alerts exactly as points from the API do.
import { createHash } from 'node:crypto';
import type { LogPoint } from '@/lib/logdir/point-mapping';
import type { OptimizersInput } from '@/lib/optimizers/run-optimizers';
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { Alerting } from '../alerts/alerting';
import type { Db } from '../db/open-database';
import type { LogFileProgress } from '../db/point-store';
import type { Principal } from '../keys/authenticate';
import { createRun } from '../runs/create-run';
import { logPoints } from '../runs/log-points';
import type { RunVerdicts } from '../runs/run-verdicts';
import { updateRun } from '../runs/update-run';
import type { RunFolder } from './discover';

export interface RunDescription {
  spec?: ScheduleSpec;
  stepsPerEpoch?: number;
  /** Each optimizer's schedule (Coqui's GANs), the first being `spec`. */
  optimizers?: OptimizersInput;
  config?: Record<string, unknown>;
  scheduleFrom?: string;
  cadence?: string;
  notes: string[];
}

export interface LogdirContext {
  /** The log directory, absolute. */
  root: string;
  /** A file quiet this long gives up its held-back last step. */
  idleMs: number;
  /** `startedAt`: the trainer's time of the first point, when the logs carry it. */
  createRun(folder: RunFolder, startedAt?: Date): Promise<number>;
  log(runId: number, points: LogPoint[], progress: LogFileProgress): Promise<void>;
  saveProgress(runId: number, progress: LogFileProgress): Promise<void>;
  describe(runId: number, d: RunDescription, key: string): Promise<void>;
  /** A run marked finished (its files were old) whose files grew again. */
  reopen(runId: number): Promise<void>;
}

export interface ServerDeps {
  db: Db;
  verdicts: RunVerdicts;
  alerting: Alerting;
}

/** The run of a folder is found again by this id after a restart (runs.create is idempotent on it). */
export function folderClientId(dir: string): string {
  return `logdir-${createHash('sha256').update(dir).digest('hex').slice(0, 40)}`;
}

/** A run's name: its folder's path inside the log directory, as TensorBoard names runs. */
export function folderRunName(root: string, folder: RunFolder): string {
  const name = folder.rel === '.' ? root.split(/[\\/]/).filter(Boolean).pop() || root : folder.rel;
  return name.slice(0, 200);
}

export async function projectPrincipal({ db }: ServerDeps, name: string): Promise<Principal> {
  const project = await db.prisma.project.upsert({ where: { name }, create: { name }, update: {}, select: { id: true, name: true } });
  // Not a key: the server itself, writing to the project it was told to.
  return { projectId: project.id, projectName: project.name, keyId: 0 };
}

export function createLogdirContext(deps: ServerDeps, principal: Principal, root: string, idleMs: number): LogdirContext {
  const { db, verdicts, alerting } = deps;
  return {
    root,
    idleMs,
    async createRun(folder, startedAt) {
      const { id } = await createRun(db, verdicts, principal, { name: folderRunName(root, folder), clientId: folderClientId(folder.dir), tags: ['logdir'] });
      // Started when the trainer started it; seen now (an old start must not look like a stalled run).
      if (startedAt) await db.prisma.run.update({ where: { id }, data: { startedAt } });
      await db.prisma.logFolder.upsert({ where: { runId: id }, create: { runId: id, logdir: root, path: folder.rel }, update: { logdir: root, path: folder.rel } });
      return id;
    },
    async log(runId, points, progress) {
      await logPoints(deps, principal, runId, points, new Date(), progress);
    },
    async saveProgress(runId, p) {
      const data = { kind: p.kind, offset: p.offset, size: p.size, head: p.head, state: p.state as object, errors: p.errors, lastError: p.lastError, readAt: p.readAt };
      await db.prisma.logFile.upsert({ where: { runId_path: { runId, path: p.path } }, create: { runId, path: p.path, ...data }, update: data });
      db.live.publish({ type: 'run', runId });
    },
    async describe(runId, d, key) {
      await updateRun(db, verdicts, principal, { runId, schedule: d.spec, stepsPerEpoch: d.stepsPerEpoch, optimizers: d.optimizers, config: d.config });
      const notes = d.cadence ? [d.cadence, ...d.notes] : d.notes;
      await db.prisma.logFolder.update({ where: { runId }, data: { scheduleFrom: d.scheduleFrom ?? null, notes, describedAs: key } });
      await alerting.syncRun(runId);
    },
    async reopen(runId) {
      await db.prisma.run.update({ where: { id: runId }, data: { status: 'running', finishedAt: null } });
      db.live.publish({ type: 'run', runId });
    },
  };
}
