import { describe, expect, it } from 'vitest';
import { formatBytes } from '@/lib/ui/format-bytes';

describe('formatBytes', () => {
  it('gives three significant digits in powers of 1,000', () => {
    expect([0, 812, 1000, 41_234, 3_612_000, 1_020_000_000, 5e15, -1, Number.NaN].map(formatBytes)).toEqual(['0 B', '812 B', '1.00 KB', '41.2 KB', '3.61 MB', '1.02 GB', '5000 TB', '—', '—']);
  });
});
