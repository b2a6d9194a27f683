// One database read per change, however many feeds show it: feeds that ask the same question
// about a run after the same latest change get one answer (500 open pages on a run made 500
// reads of every batch). An answer is kept until the next change to that run is published: a
// read started after change N has seen N, and anything committed later is announced by a change
// of its own, which drops the answer, so no feed can be handed one that misses what woke it.
import type { LiveBus } from './bus';

export interface SharedReads {
  /** Runs `read` once for every caller asking `question` about the run since its latest change. */
  read<T>(runId: number, question: string, read: () => Promise<T>): Promise<T>;
}

/** Runs whose answers are kept at once (the oldest kept is dropped first). */
const MAX_RUNS = 256;

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

export function createSharedReads(bus: LiveBus, maxRuns = MAX_RUNS): SharedReads {
  const answers = new Map<number, Map<string, Promise<unknown>>>();
  bus.subscribe((e) => {
    if (e.type === 'resync') answers.clear();
    else answers.delete(e.runId);
  });
  return {
    read<T>(runId: number, question: string, read: () => Promise<T>): Promise<T> {
      let run = answers.get(runId);
      if (!run) {
        if (answers.size >= maxRuns) answers.delete(answers.keys().next().value!);
        run = new Map();
        answers.set(runId, run);
      }
      let answer = run.get(question) as Promise<T> | undefined;
      if (!answer) {
        const mine = run;
        answer = read();
        run.set(question, answer);
        // A failed read is not an answer: the next caller tries again.
        answer.catch(() => {
          if (mine.get(question) === answer) mine.delete(question);
        });
      }
      return answer;
    },
  };
}
