import type { Db } from '../db/open-database';
import type { ChangeScope } from '../alerts/scope';
import { findWritableRun } from './find-writable-run';
import { purgeRun } from './purge-run';

export interface DeletedRun {
  id: number;
  name: string;
  /** Points the run held. */
  points: number;
}

/** Runs this process is purging now. */
const purging = new Map<number, Promise<void>>();

/**
 * Deletes a run with its points, metric values, rollups, tags, alerts and their deliveries.
 * The run is marked first, so it leaves every read and page at once, and the reply does not
 * wait; its rows then go in chunks in the background (purge-run.ts), which for a 1,000,000-point
 * run takes a while on purpose. A server stopped half-way finishes the job at a later sweep
 * (resumeDeletes).
 */
export async function deleteRun(db: Db, scope: ChangeScope, runId: number, now = new Date()): Promise<DeletedRun> {
  const run = await findWritableRun(db.prisma, scope, runId);
  // Conditional: of two deletes of one run, one marks it and the other finds it gone.
  const { count } = await db.prisma.run.updateMany({ where: { id: runId, deletedAt: null }, data: { deletedAt: now } });
  if (count === 1) {
    db.live.publish({ type: 'run', runId });
    void purgeOnce(db, runId);
  }
  return { id: run.id, name: run.name, points: run.pointCount };
}

/** Purges the run unless this process already is; resolves when it is gone. */
export function purgeOnce(db: Db, runId: number): Promise<void> {
  let running = purging.get(runId);
  if (!running) {
    running = purgeRun(db, runId)
      .catch((err) => console.error(`lrscope: deleting run ${runId} stopped (${(err as Error).message}); a later sweep continues it`))
      .finally(() => purging.delete(runId));
    purging.set(runId, running);
  }
  return running;
}

/** A delete marked this long ago and still there was left by a stopped server (this one or another instance). */
const ABANDONED_MS = 10 * 60_000;

/** Finishes deletes a stopped server left half done. Returns the runs it purged. */
export async function resumeDeletes(db: Db, now = new Date()): Promise<number[]> {
  const runs = await db.prisma.run.findMany({ where: { deletedAt: { lt: new Date(now.getTime() - ABANDONED_MS) } }, select: { id: true }, take: 10 });
  const left = runs.map((r) => r.id).filter((id) => !purging.has(id));
  for (const id of left) await purgeOnce(db, id);
  return left;
}
