// A short journal of run changes per bus, for the runs table's feed. Ids are "<journal>.<seq>":
// seq counts changes in this process. A page that reconnects to the same process within the
// last JOURNAL_SIZE changes gets exactly the runs that changed since its id (each re-read, so
// it sees their current state); any other reconnect (another instance, a restart, a long
// absence) is told to re-read its page of runs. Either way nothing is missed.
import { randomBytes } from 'node:crypto';
import type { LiveBus } from './bus';

export const JOURNAL_SIZE = 4096;

/** Stands in the ring for "every run" (run ids are positive). */
const RESYNC = -1;

export interface RunChanges {
  /** This journal's id: changes are numbered within it. */
  id: string;
  /** Number of the latest change. */
  seq(): number;
  /** Run ids changed after `seq`, each once, oldest change first, with the seq of its latest change; null when the journal no longer reaches back that far or the bus resynced since. */
  since(seq: number): { runId: number; seq: number }[] | null;
  subscribe(listener: (change: { runId: number; seq: number }) => void): () => void;
}

const journals = new WeakMap<LiveBus, RunChanges>();

/** The journal of one bus, started on first use (the first page that needs it). */
export function runChanges(bus: LiveBus): RunChanges {
  let journal = journals.get(bus);
  if (!journal) {
    journal = createRunChanges(bus);
    journals.set(bus, journal);
  }
  return journal;
}

export function createRunChanges(bus: LiveBus, size = JOURNAL_SIZE): RunChanges {
  const id = randomBytes(4).toString('hex');
  const ring = new Int32Array(size);
  let seq = 0;
  /** Seq of the latest resync: no page behind it can be told exactly what changed. */
  let resyncSeq = 0;
  const listeners = new Set<(change: { runId: number; seq: number }) => void>();
  bus.subscribe((e) => {
    // Points events are followed by a run event for the same batch; alerts change no run row.
    if (e.type !== 'run' && e.type !== 'resync') return;
    seq++;
    // A resync is a change to every run: pages that were behind it must re-read their list.
    ring[seq % size] = e.type === 'resync' ? RESYNC : e.runId;
    if (e.type === 'resync') resyncSeq = seq;
    for (const l of listeners) l({ runId: e.type === 'resync' ? RESYNC : e.runId, seq });
  });
  return {
    id,
    seq: () => seq,
    since(from) {
      if (from > seq || from < seq - size || from < resyncSeq) return null;
      const latest = new Map<number, number>();
      for (let s = from + 1; s <= seq; s++) {
        const runId = ring[s % size];
        latest.delete(runId);
        latest.set(runId, s);
      }
      return [...latest].map(([runId, s]) => ({ runId, seq: s }));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
