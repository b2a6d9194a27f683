// A level-triggered wake-up for feed loops: notify() any number of times while the loop is busy
// and its next wait() returns at once, exactly once. Bus notifications are hints; the loop reads
// what changed from the database, so coalescing them loses nothing.
export interface Wakeup {
  notify(): void;
  /** Resolves after the next notify() (or at once if one came since the last wait), or on abort. */
  wait(signal?: AbortSignal): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let resolve: (() => void) | null = null;
  return {
    notify() {
      pending = true;
      const r = resolve;
      resolve = null;
      r?.();
    },
    wait(signal) {
      if (pending || signal?.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((r) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          pending = false;
          resolve = null;
          r();
        };
        resolve = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
