// The alerts page's live feed: a nudge whenever an alert is raised, acknowledged or resolved;
// the page re-reads its list. On any reconnect the page re-reads too ('resync'), so a nudge
// lost while away cannot leave it stale; likewise when the bus itself may have lost nudges.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open-database';
import { createWakeup } from './wakeup';

export type AlertsFeedEvent = { kind: 'start' } | { kind: 'resync' } | { kind: 'changed'; alertIds: number[]; runIds: number[] };

const boot = randomBytes(4).toString('hex');

export async function* alertsFeed(db: Db, lastEventId: string | null | undefined, signal?: AbortSignal): AsyncGenerator<{ id: string; event: AlertsFeedEvent }> {
  const wake = createWakeup();
  let alertIds = new Set<number>();
  let runIds = new Set<number>();
  let seq = 0;
  let resync = false;
  const unsubscribe = db.live.subscribe((e) => {
    if (e.type === 'resync') {
      resync = true;
      wake.notify();
      return;
    }
    if (e.type !== 'alert') return;
    alertIds.add(e.alertId);
    runIds.add(e.runId);
    wake.notify();
  });
  try {
    yield { id: `${boot}.${seq}`, event: lastEventId ? { kind: 'resync' } : { kind: 'start' } };
    while (!signal?.aborted) {
      await wake.wait(signal);
      if (resync) {
        // Nudges may have been lost: the page re-reads everything, which covers any pending ones.
        resync = false;
        alertIds = new Set();
        runIds = new Set();
        yield { id: `${boot}.${++seq}`, event: { kind: 'resync' } };
        continue;
      }
      if (alertIds.size === 0) continue;
      const event: AlertsFeedEvent = { kind: 'changed', alertIds: [...alertIds], runIds: [...runIds] };
      alertIds = new Set();
      runIds = new Set();
      yield { id: `${boot}.${++seq}`, event };
    }
  } finally {
    unsubscribe();
  }
}
