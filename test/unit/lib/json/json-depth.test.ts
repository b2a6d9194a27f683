import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDepthScanner, jsonTextDepth } from '@/lib/json/json-depth';

function realDepth(v: unknown): number {
  return v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(realDepth)) : 0;
}

describe('JSON depth while streaming', () => {
  it('measures the nesting JSON.parse would build, whatever the strings hold and however the text is split', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.array(fc.nat(), { maxLength: 5 }), (value, cuts) => {
        const bytes = new TextEncoder().encode(JSON.stringify(value));
        const scanner = createDepthScanner(1_000);
        let at = 0;
        for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          expect(scanner.feed(bytes.subarray(at, Math.max(at, cut)))).toBe(true);
          at = Math.max(at, cut);
        }
        expect(scanner.maxDepth).toBe(realDepth(value));
      }),
    );
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    expect(jsonTextDepth('{"a":"[[[[\\"{{{{"}', 1)).toEqual({ ok: true, depth: 1 });
    expect(jsonTextDepth('["\\\\",[1]]', 2)).toEqual({ ok: true, depth: 2 });
  });

  it('stops at the first byte past the limit: 16 MB of brackets are refused after the limit, not parsed', () => {
    const scanner = createDepthScanner(64);
    expect(scanner.feed(new TextEncoder().encode('['.repeat(64)))).toBe(true);
    expect(scanner.feed(new TextEncoder().encode('['))).toBe(false);
    expect(jsonTextDepth('['.repeat(16 * 1024 * 1024), 1000)).toEqual({ ok: false, depth: 1001 });
  });
});
