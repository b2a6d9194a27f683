// A JSON body is checked for nesting depth while it streams in, before JSON.parse sees it: a few
// megabytes of "[[[[..." exhaust the heap inside JSON.parse (and block the event loop long before
// that), so the parser must never get them. The scanner only tracks strings (brackets inside them
// do not count) and open brackets; whether the text is valid JSON is JSON.parse's job afterwards.

export interface DepthScanner {
  /** Feeds the next bytes; false once the text has nested deeper than the limit. */
  feed(chunk: Uint8Array): boolean;
  /** The deepest nesting seen so far. */
  readonly maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

export function createDepthScanner(limit: number): DepthScanner {
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  let escaped = false;
  return {
    get maxDepth() {
      return maxDepth;
    },
    feed(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
          if (++depth > maxDepth) maxDepth = depth;
          if (depth > limit) return false;
        } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth = Math.max(0, depth - 1);
      }
      return true;
    },
  };
}

/** Depth of a whole JSON text (a query string's input), by the same rule. */
export function jsonTextDepth(text: string, limit: number): { ok: boolean; depth: number } {
  const scanner = createDepthScanner(limit);
  const ok = scanner.feed(new TextEncoder().encode(text));
  return { ok, depth: scanner.maxDepth };
}
