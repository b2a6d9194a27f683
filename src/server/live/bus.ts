// The one live bus. Services publish small notifications after their transaction commits;
// subscriptions read what changed from the database, so a notification can be lost or
// repeated without a page missing or duplicating data. In-process for SQLite; PostgreSQL
// fans out between instances with LISTEN/NOTIFY behind the same interface.
import { EventEmitter } from 'node:events';

export type LiveEvent =
  /** A runs.log call committed batch `batch` of run `runId`. */
  | { type: 'points'; runId: number; batch: number }
  /** A run's row changed (created, finished, updated, verdict, status). */
  | { type: 'run'; runId: number }
  /** An alert was raised, acknowledged or resolved. */
  | { type: 'alert'; alertId: number; runId: number }
  /** Events may have been lost (PostgreSQL's LISTEN connection dropped and is back): every
   * subscriber re-reads what it shows. Only the bus itself raises it, after it listens again. */
  | { type: 'resync' };

export interface LiveBus {
  publish(event: LiveEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

export function createLocalBus(): LiveBus {
  const emitter = new EventEmitter();
  // Every open page holds a listener; hundreds are normal, not a leak.
  emitter.setMaxListeners(0);
  return {
    publish: (event) => emitter.emit('event', event),
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}
