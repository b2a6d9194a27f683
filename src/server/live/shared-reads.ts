// One database read per change, however many feeds show it: feeds that wake for the same change
// and ask the same question join one read instead of each making their own (500 open pages on a
// run made 500 reads of every batch). A read is shared only by callers that ask after the same
// latest notification for that run: such a read started after that change was published, so it
// sees it; a caller woken by a later change never joins an older read and miss what changed.
import type { LiveBus } from './bus';

export interface SharedReads {
  /** Runs `read` once for every caller asking `question` about the run at its current version. */
  read<T>(runId: number, question: string, read: () => Promise<T>): Promise<T>;
}

const perBus = new WeakMap<LiveBus, SharedReads>();

/** The shared reads of one bus, started on first use. */
export function sharedReads(bus: LiveBus): SharedReads {
  let shared = perBus.get(bus);
  if (!shared) {
    shared = createSharedReads(bus);
    perBus.set(bus, shared);
  }
  return shared;
}

export function createSharedReads(bus: LiveBus): SharedReads {
  // Notifications seen per run, and in total for resyncs (which concern every run).
  const versions = new Map<number, number>();
  let resyncs = 0;
  const inFlight = new Map<string, Promise<unknown>>();
  bus.subscribe((e) => {
    if (e.type === 'resync') resyncs++;
    else versions.set(e.runId, (versions.get(e.runId) ?? 0) + 1);
  });
  return {
    read<T>(runId: number, question: string, read: () => Promise<T>): Promise<T> {
      const key = `${runId}:${versions.get(runId) ?? 0}:${resyncs}:${question}`;
      let p = inFlight.get(key) as Promise<T> | undefined;
      if (!p) {
        p = read().finally(() => inFlight.delete(key));
        inFlight.set(key, p);
      }
      return p;
    },
  };
}
