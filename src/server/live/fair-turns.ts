// Takes turns between live feeds and everything else. A change wakes every feed that shows it;
// each then reads (shared), serialises and writes its event, and all of that is promise
// continuations: 500 feeds woken at once would run as one unbroken burst, and the next runs.log
// request would wait behind all of it. Feeds instead take a turn, a few per event-loop iteration,
// so incoming requests are read between them and ingest latency stays that of one turn's work.
const FEEDS_PER_TURN = 16;

const waiting: (() => void)[] = [];
let scheduled = false;

function release() {
  scheduled = false;
  for (const go of waiting.splice(0, FEEDS_PER_TURN)) go();
  // setImmediate from here runs in the next iteration, after pending I/O has been polled.
  if (waiting.length > 0) schedule();
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  setImmediate(release);
}

/** Resolves when this feed may do its work; at most FEEDS_PER_TURN feeds per event-loop iteration. */
export function fanOutTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}
