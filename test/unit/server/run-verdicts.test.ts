// RunVerdicts when the database goes away after a batch committed: the failure reaches the
// caller (never an unhandled rejection, which would kill the server), the cached detector is
// dropped, and retryFailed brings the stored verdict up to date with the stored points.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/open-database';
import type { PointInput } from '@/server/db/point-store';
import { createRunVerdicts } from '@/server/runs/run-verdicts';
import { openTempDb } from '../../helpers/temp-db';

let db: Db;
let runId: number;
const now = new Date('2026-11-25T08:00:00Z');
// StepLR halving every 10 steps, stepped per step.
const schedule = { name: 'StepLR', params: { step_size: 10, gamma: 0.5 }, baseLr: 0.1, interval: 'step' };

beforeEach(async () => {
  db = await openTempDb();
  const projectId = (await db.prisma.project.create({ data: { name: 'p' } })).id;
  runId = (await db.prisma.run.create({ data: { projectId, name: 'r', startedAt: now, lastSeenAt: now, schedule } })).id;
});
afterEach(() => db.close());

const stuck = (from: number, to: number): PointInput[] => Array.from({ length: to - from }, (_, i) => ({ step: from + i, lr: 0.1 }));

/** The store with `verdictInputs` failing the way a terminated PostgreSQL connection does, while `down()` is true. */
function flaky(down: () => boolean): Db {
  const points = Object.create(db.points) as Db['points'];
  points.verdictInputs = async (id) => {
    if (down()) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    return db.points.verdictInputs(id);
  };
  return { ...db, points };
}

async function log(points: PointInput[]) {
  return db.points.logPoints(runId, points, now);
}

async function storedVerdict() {
  const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
  return { kind: run.verdictKind, flagged: run.flagged, expectedLr: run.expectedLr };
}

describe('RunVerdicts after a failed evaluation', () => {
  it('rejects to the caller, keeps the run for retryFailed, which stores the verdict of the stored points', async () => {
    let down = false;
    const verdicts = createRunVerdicts(flaky(() => down));
    const first = await log(stuck(0, 5));
    expect((await verdicts.afterBatch(runId, first.batch, stuck(0, 5), true)).flagged).toBe(false);
    expect(await storedVerdict()).toMatchObject({ flagged: false, expectedLr: 0.1 });

    // The batch that shows the LR stuck past step 10 commits, then the database goes away.
    down = true;
    const second = await log(stuck(5, 20));
    await expect(verdicts.afterBatch(runId, second.batch, stuck(5, 20), true)).rejects.toThrow(/administrator command/);
    expect(await storedVerdict(), 'stale until retried').toMatchObject({ flagged: false, expectedLr: 0.1 });
    expect(await verdicts.retryFailed(), 'still down: still pending').toEqual([runId]);

    down = false;
    expect(await verdicts.retryFailed()).toEqual([]);
    expect(await storedVerdict()).toMatchObject({ flagged: true, expectedLr: 0.05 });
    expect(await verdicts.retryFailed(), 'nothing left to retry').toEqual([]);
  });

  it('the next batch after a failure rebuilds from the store rather than folding into a detector that missed a batch', async () => {
    let down = false;
    const verdicts = createRunVerdicts(flaky(() => down));
    const a = await log(stuck(0, 5));
    await verdicts.afterBatch(runId, a.batch, stuck(0, 5), true);
    down = true;
    const b = await log(stuck(5, 20));
    await expect(verdicts.afterBatch(runId, b.batch, stuck(5, 20), true)).rejects.toThrow();
    down = false;
    const c = await log([{ step: 20, lr: 0.025 }]);
    const v = await verdicts.afterBatch(runId, c.batch, [{ step: 20, lr: 0.025 }], true);
    // Steps 10..19 (stored by the batch whose evaluation failed) are what flag the run.
    expect(v.flagged).toBe(true);
    expect(await storedVerdict()).toMatchObject({ flagged: true, expectedLr: 0.025 });
    expect(await verdicts.retryFailed()).toEqual([]);
  });

  it('a failure does not block later evaluations of the run (they are serialised per run)', async () => {
    let failures = 1;
    const verdicts = createRunVerdicts(flaky(() => failures-- > 0));
    const a = await log(stuck(0, 5));
    const b = await log(stuck(5, 8));
    const [ra, rb] = await Promise.allSettled([verdicts.afterBatch(runId, a.batch, stuck(0, 5), true), verdicts.afterBatch(runId, b.batch, stuck(5, 8), true)]);
    expect(ra.status).toBe('rejected');
    expect(rb.status).toBe('fulfilled');
    expect(await verdicts.retryFailed()).toEqual([]);
    expect(await storedVerdict()).toMatchObject({ flagged: false, expectedLr: 0.1 });
  });
});
