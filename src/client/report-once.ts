// Problems are reported once per kind, not once per batch: a trainer logging 100 points a
// second with a wrong key must get one clear line, not a flood that buries its own output.
import type { LrscopeError } from './lrscope-error';

export type ErrorHandler = (message: string, error?: LrscopeError) => void;

export const warnOnConsole: ErrorHandler = (message) => console.warn(`lrscope: ${message}`);

export interface Reporter {
  /** Reports `message` unless a problem of this kind was reported already. */
  once(kind: string, message: string, error?: LrscopeError): void;
  /** Lets a kind be reported again (the server went away, came back, and went away again). */
  forget(kind: string): void;
}

/** Numbers vary from batch to batch ("points[12]", "retry in 0.4 s"); the kind of problem does not. */
export function kindOf(message: string): string {
  return message.replace(/\d+(\.\d+)?/g, '#').slice(0, 160);
}

export function createReporter(handler: ErrorHandler, maxKinds = 200): Reporter {
  const seen = new Set<string>();
  return {
    once(kind, message, error) {
      if (seen.has(kind) || seen.size >= maxKinds) return;
      seen.add(kind);
      try {
        handler(message, error);
      } catch {
        // A throwing handler must not take the logger (or training) down with it.
      }
    },
    forget(kind) {
      seen.delete(kind);
    },
  };
}
