// Takes turns between live feeds and ingest. A change wakes every feed that shows it; each then
// reads (shared), serialises and writes its event, and all of that is promise continuations: 500
// feeds woken at once would run as one unbroken burst, and the next runs.log request would wait
// behind all of it. So feeds take turns, a few per event-loop iteration (incoming requests are read
// between turns), and no turn starts while an ingest request is in flight: a trainer's reply never
// waits on fan-out. Feeds lose nothing by waiting: they read everything after their last id when
// their turn comes, so a feed held through several batches sends them as one event.
export interface Turns {
  /** Resolves when this feed may do its work. */
  take(): Promise<void>;
  /** Marks an ingest request in flight until the returned function is called (once or more). */
  hold(): () => void;
}

export interface TurnOptions {
  /** Feeds released per event-loop iteration. */
  perTurn: number;
  /** The longest a feed waits for ingest to pause: under constant ingest, feeds still move. */
  maxDeferMs: number;
  now?: () => number;
  /** Runs fn in a later event-loop iteration, after pending I/O has been polled. */
  later?: (fn: () => void) => void;
  after?: (ms: number, fn: () => void) => void;
}

export function createTurns({ perTurn, maxDeferMs, now = () => performance.now(), later = setImmediate, after = (ms, fn) => setTimeout(fn, ms).unref() }: TurnOptions): Turns {
  const waiting: { go: () => void; since: number }[] = [];
  let holds = 0;
  let scheduled = false;
  let timerArmed = false;

  function release() {
    scheduled = false;
    if (waiting.length === 0) return;
    if (holds > 0) {
      const overdueIn = waiting[0].since + maxDeferMs - now();
      if (overdueIn > 0) {
        // Released when the last ingest request ends, or when the oldest feed is overdue.
        if (!timerArmed) {
          timerArmed = true;
          after(overdueIn, () => {
            timerArmed = false;
            schedule();
          });
        }
        return;
      }
    }
    for (const w of waiting.splice(0, perTurn)) w.go();
    if (waiting.length > 0) schedule();
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    later(release);
  }

  return {
    take() {
      return new Promise((go) => {
        waiting.push({ go, since: now() });
        schedule();
      });
    },
    hold() {
      holds++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        holds--;
        if (holds === 0 && waiting.length > 0) schedule();
      };
    },
  };
}

/** Feeds per turn: a turn is a read shared and a small event written per feed; short turns keep requests moving. */
const FEEDS_PER_TURN = 4;
/** A page shows a batch at most this much later than it would with no ingest running. */
const MAX_DEFER_MS = 50;

/** The process's one turn-taker: there is one event loop to share. */
export const liveTurns = createTurns({ perTurn: FEEDS_PER_TURN, maxDeferMs: MAX_DEFER_MS });
