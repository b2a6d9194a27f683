import { describe, expect, it } from 'vitest';
import { configDiff, flattenConfig, truncate } from '@/lib/compare/config-diff';

describe('flattenConfig', () => {
  it('flattens nested objects to dotted keys and keeps arrays and scalars as values', () => {
    const flat = flattenConfig({ lr: 5e-4, optimizer: { name: 'AdamW', betas: [0.9, 0.98], extra: { eps: 1e-8 } }, tags: [], empty: {}, none: null, run: 'x' });
    expect(Object.fromEntries(flat)).toEqual({ lr: '0.0005', 'optimizer.name': 'AdamW', 'optimizer.betas': '[0.9,0.98]', 'optimizer.extra.eps': '1e-8', tags: '[]', empty: '{}', none: 'null', run: 'x' });
  });

  it('is empty for a run without config', () => {
    expect(flattenConfig(null).size).toBe(0);
    expect(flattenConfig(undefined).size).toBe(0);
    expect(flattenConfig({}).size).toBe(0);
  });

  it('keeps a string apart from the JSON it looks like', () => {
    expect(flattenConfig({ a: '1' }).get('a')).toBe('1');
    expect(flattenConfig({ a: 1 }).get('a')).toBe('1');
    expect(flattenConfig({ a: true }).get('a')).toBe('true');
  });
});

describe('configDiff', () => {
  const a = { lr: 5e-4, batch_size: 32, optimizer: { name: 'AdamW', weight_decay: 0.01 }, seed: 1 };
  const b = { lr: 3e-4, batch_size: 32, optimizer: { name: 'AdamW', weight_decay: 0.1 }, seed: 1, warmup_steps: 500 };

  it('keeps only the keys that differ, sorted, a missing key counting as a difference', () => {
    expect(configDiff([a, b])).toEqual([
      { key: 'lr', values: ['0.0005', '0.0003'] },
      { key: 'optimizer.weight_decay', values: ['0.01', '0.1'] },
      { key: 'warmup_steps', values: [undefined, '500'] },
    ]);
  });

  it('finds nothing between equal configs, however their keys are ordered', () => {
    expect(configDiff([a, { seed: 1, optimizer: { weight_decay: 0.01, name: 'AdamW' }, batch_size: 32, lr: 5e-4 }])).toEqual([]);
    expect(configDiff([null, null])).toEqual([]);
    expect(configDiff([a])).toEqual([]);
    expect(configDiff([])).toEqual([]);
  });

  it('compares more than two runs: a key differs if any run differs', () => {
    const rows = configDiff([a, a, { ...a, seed: 2 }]);
    expect(rows).toEqual([{ key: 'seed', values: ['1', '1', '2'] }]);
  });

  it('lists every key of a config against a run without one', () => {
    expect(configDiff([{ x: 1 }, null])).toEqual([{ key: 'x', values: ['1', undefined] }]);
  });

  it('treats an array change as one changed value', () => {
    expect(configDiff([{ m: [60, 80] }, { m: [60, 90] }])).toEqual([{ key: 'm', values: ['[60,80]', '[60,90]'] }]);
  });
});

describe('truncate', () => {
  it('cuts long values with an ellipsis and leaves short ones alone', () => {
    expect(truncate('short')).toBe('short');
    expect(truncate('x'.repeat(40))).toBe('x'.repeat(40));
    expect(truncate('x'.repeat(41))).toBe(`${'x'.repeat(39)}…`);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});
