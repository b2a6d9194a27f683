import { describe, expect, it } from 'vitest';
import { combineVerdicts } from '@/lib/optimizers/combine-verdicts';
import { asOptimizer, expectedSeriesName, loggedOptimizers, lrSeriesName, optimizerSeries, runOptimizerNames, withLateOptimizers, withOptimizerSeries } from '@/lib/optimizers/optimizer-points';
import { mergeOptimizers, verdictTracks } from '@/lib/optimizers/run-optimizers';
import { runVerdict } from '@/lib/optimizers/run-verdict';
import type { Verdict } from '@/lib/verdict';

const ok = (message = 'follows'): Verdict => ({ kind: 'ok', flagged: false, causes: [], message, warnings: [] });
const flagged = (message: string, step: number): Verdict => ({
  kind: 'flagged',
  flagged: true,
  causes: ['stuck', 'never_stepped'],
  message,
  firstBadStep: step,
  expected: 1e-4,
  actual: 1e-3,
  explanation: 'scheduler.step() is never called',
  fix: 'call it',
  warnings: [],
});

describe('optimizer series names', () => {
  it('names each optimizer’s actual and expected LR and reads the name back', () => {
    expect(lrSeriesName('disc')).toBe('lr:disc');
    expect(expectedSeriesName('0')).toBe('expected_lr:0');
    expect(optimizerSeries('lr:disc')).toEqual({ kind: 'lr', optimizer: 'disc' });
    expect(optimizerSeries('expected_lr:gen.a-1')).toEqual({ kind: 'expected_lr', optimizer: 'gen.a-1' });
    for (const other of ['lr', 'expected_lr', 'loss', 'lr:', 'lr:a b', 'val/lr', 'expected_lr:' + 'x'.repeat(65)]) expect(optimizerSeries(other)).toBeUndefined();
  });

  it('lists the optimizers a run has logged, from its series names', () => {
    expect(loggedOptimizers(['acc', 'lr:gen', 'expected_lr:x', 'lr:disc', 'lr:'])).toEqual(['gen', 'disc']);
  });

  it('lists a run’s optimizers for its page: declared ones in order, then those only its points name', () => {
    expect(runOptimizerNames([{ name: 'gen' }, { name: 'disc' }], ['acc', 'lr:disc', 'lr:aux', 'lr:gen'])).toEqual(['gen', 'disc', 'aux']);
    expect(runOptimizerNames([], ['acc'])).toEqual([]);
  });

  it('adds each optimizer’s LR (or group 0 of its lrs) to the point’s metrics, copying only points that have some', () => {
    const plain = { step: 0, lr: 0.1, metrics: { acc: 1 } };
    const gan = { step: 1, metrics: { acc: 2 }, optimizers: { gen: { lr: 0.2 }, disc: { lrs: [0.3, 0.03] }, idle: { schedulerStep: 4 } } };
    const out = withOptimizerSeries([plain, gan]);
    expect(out[0]).toBe(plain);
    expect(out[1].metrics).toEqual({ acc: 2, 'lr:gen': 0.2, 'lr:disc': 0.3 });
    expect(gan.metrics).toEqual({ acc: 2 }); // the caller's point is left as it was
    const only = [plain];
    expect(withOptimizerSeries(only)).toBe(only);
  });
});

describe('an optimizer’s record for a stored step', () => {
  it('adds the optimizers the step does not have, keeping the ones it has', () => {
    expect(withLateOptimizers({ gen: { lr: 1 } }, { disc: { lr: 2 }, gen: { lr: 9 } })).toEqual({ gen: { lr: 1 }, disc: { lr: 2 } });
    expect(withLateOptimizers(null, { disc: { lr: 2 } })).toEqual({ disc: { lr: 2 } });
    expect(withLateOptimizers({ gen: { lr: 1 } }, { gen: { lr: 9 } })).toBeUndefined();
  });
});

describe('a point as one optimizer saw it', () => {
  const p = { step: 3, lr: 0.2, lrs: [0.2], schedulerStep: 3, optimizers: { gen: { lr: 0.2, schedulerStep: 3 }, disc: { lr: 0.5, lrs: [0.5, 0.05] } } };
  it('takes that optimizer’s lr, lrs and schedulerStep', () => {
    expect(asOptimizer(p, 'disc', false)).toMatchObject({ step: 3, lr: 0.5, lrs: [0.5, 0.05], schedulerStep: undefined });
    expect(asOptimizer(p, 'gen', true)).toMatchObject({ lr: 0.2, lrs: undefined, schedulerStep: 3 });
  });
  it('falls back on the point’s own values for the first optimizer only', () => {
    const bare = { step: 4, lr: 0.2, lrs: [0.2, 0.1], schedulerStep: 4 };
    expect(asOptimizer(bare, 'gen', true)).toBe(bare);
    expect(asOptimizer(bare, 'disc', false)).toMatchObject({ step: 4, lr: undefined, lrs: undefined, schedulerStep: undefined });
  });
});

describe('a run’s optimizers', () => {
  const s1 = { name: 'StepLR', params: { step_size: 10 } } as const;
  const s2 = { name: 'ExponentialLR', params: { gamma: 0.9 } } as const;
  const cadence = { optimizerSteps: 10, schedulerSteps: 10 };

  it('merges an update by name: given fields replace, others stay, new names go last', () => {
    const stored = mergeOptimizers(null, { gen: { schedule: s1 }, disc: { schedule: s1 } });
    expect(stored).toEqual([{ name: 'gen', schedule: s1 }, { name: 'disc', schedule: s1 }]);
    const updated = mergeOptimizers(stored, { disc: { cadence }, extra: { schedule: s2 }, gen: { schedule: s2 } });
    expect(updated).toEqual([{ name: 'gen', schedule: s2 }, { name: 'disc', schedule: s1, cadence }, { name: 'extra', schedule: s2 }]);
    expect(stored[1]).toEqual({ name: 'disc', schedule: s1 }); // not mutated
  });

  it('checks a run with one optimizer on its own schedule, and one with several per optimizer', () => {
    expect(verdictTracks({ schedule: s1, cadence, optimizers: null })).toEqual([{ optimizer: null, first: true, schedule: s1, cadence }]);
    expect(verdictTracks({ schedule: null, cadence: null, optimizers: [] })).toEqual([{ optimizer: null, first: true, schedule: null, cadence: undefined }]);
    expect(verdictTracks({ schedule: s1, cadence: null, optimizers: [{ name: 'gen', schedule: s1 }, { name: 'disc', cadence }] })).toEqual([
      { optimizer: 'gen', first: true, schedule: s1, cadence: undefined },
      { optimizer: 'disc', first: false, schedule: null, cadence },
    ]);
  });
});

describe('the verdict of a run with several optimizers', () => {
  it('is flagged when any optimizer is, with that optimizer’s causes, step and numbers, naming it', () => {
    const v = combineVerdicts([
      ['gen', ok()],
      ['disc', flagged('LR stuck at 1e-3', 120)],
      ['extra', flagged('LR stuck at 2e-3', 50)],
    ]);
    expect(v).toMatchObject({ kind: 'flagged', flagged: true, causes: ['stuck', 'never_stepped'], firstBadStep: 120, expected: 1e-4, actual: 1e-3, fix: 'call it', optimizer: 'disc' });
    expect(v.message).toBe('optimizer disc: LR stuck at 1e-3');
    expect(v.explanation).toBe('optimizer disc: scheduler.step() is never called');
    expect(Object.keys(v.optimizers!)).toEqual(['gen', 'disc', 'extra']);
    expect(v.optimizers!.extra.message).toBe('LR stuck at 2e-3');
  });

  it('ranks the rest: unverifiable over ok over not-checked-yet over no schedule', () => {
    const unverifiable: Verdict = { kind: 'unverifiable', flagged: false, unverifiable: true, causes: [], message: 'LambdaLR', warnings: [] };
    const unknown: Verdict = { kind: 'unknown', flagged: false, causes: [], message: 'waiting', warnings: [] };
    const none: Verdict = { kind: 'no_schedule', flagged: false, causes: [], message: 'none', warnings: [] };
    expect(combineVerdicts([['a', ok()], ['b', unverifiable]])).toMatchObject({ kind: 'unverifiable', unverifiable: true, message: 'optimizer b: LambdaLR' });
    expect(combineVerdicts([['a', unknown], ['b', ok('fine')]])).toMatchObject({ kind: 'ok', message: 'optimizer b: fine' });
    expect(combineVerdicts([['a', none], ['b', unknown]])).toMatchObject({ kind: 'unknown', message: 'optimizer b: waiting' });
    expect(combineVerdicts([['a', none], ['b', none]])).toMatchObject({ kind: 'no_schedule', message: 'optimizer a: none', optimizer: 'a' });
  });

  it('keeps every optimizer’s warnings, each naming its optimizer', () => {
    const v = combineVerdicts([
      ['gen', { ...ok(), warnings: ['off by one step'] }],
      ['disc', { ...ok(), warnings: ['LR scaled by 2'] }],
    ]);
    expect(v.warnings).toEqual(['optimizer gen: off by one step', 'optimizer disc: LR scaled by 2']);
  });
});

describe('runVerdict (lrscope check)', () => {
  const step = { name: 'StepLR', params: { step_size: 10, gamma: 0.5 }, interval: 'step', baseLr: 1 } as const;
  const points = Array.from({ length: 40 }, (_, s) => ({ step: s, lr: 0.5 ** Math.floor(s / 10), optimizers: { g: { lr: 0.5 ** Math.floor(s / 10) }, d: { lr: 1 } } }));

  it('checks a run with one optimizer on its own points', () => {
    expect(runVerdict({ schedule: step, points }).kind).toBe('ok');
  });

  it('checks each optimizer on its own series and names the one that is off', () => {
    const v = runVerdict({ schedule: step, optimizers: [{ name: 'g', schedule: step }, { name: 'd', schedule: step }], points });
    expect(v).toMatchObject({ flagged: true, optimizer: 'd' });
    expect(v.optimizers!.g.kind).toBe('ok');
    expect(runVerdict({ schedule: step, optimizers: [{ name: 'g', schedule: step }, { name: 'd' }], points })).toMatchObject({ kind: 'ok', optimizer: 'g' });
  });
});
