import type { Db } from '../db/open-database';
import type { Principal } from '../keys/authenticate';
import { findWritableRun } from './find-writable-run';

export async function finishRun({ prisma, live }: Db, principal: Principal, runId: number, status: 'finished' | 'crashed' = 'finished', now = new Date()): Promise<void> {
  await findWritableRun(prisma, principal, runId);
  await prisma.run.update({ where: { id: runId }, data: { status, finishedAt: now, lastSeenAt: now } });
  live.publish({ type: 'run', runId });
}
