import { describe, expect, it } from 'vitest';
import { logAtMostEvery } from '@/server/log-at-most-every';

describe('logAtMostEvery', () => {
  it('logs the first item, holds back the rest of the interval, and counts what it held back', () => {
    let t = 0;
    const lines: [string, number][] = [];
    const log = logAtMostEvery<string>(1_000, (item, suppressed) => lines.push([item, suppressed]), () => t);
    log('a');
    t = 500;
    log('b');
    log('c');
    t = 1_000;
    log('d');
    t = 1_999;
    log('e');
    t = 5_000;
    log('f');
    expect(lines).toEqual([
      ['a', 0],
      ['d', 2],
      ['f', 1],
    ]);
  });
});
