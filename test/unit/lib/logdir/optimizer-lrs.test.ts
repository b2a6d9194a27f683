// Several optimizers in a log: each one's LR tags go in the point's optimizers under its name (a
// series of its own, checked on its own); the first's are the point's lr / lrs too.
import { describe, expect, it } from 'vitest';
import { optimizerLrs, placeLrTags } from '@/lib/logdir/optimizer-lrs';
import { holdsEveryField, mapLogColumns, toLogPoints } from '@/lib/logdir/point-mapping';

const COQUI = ['hifigan_TrainIterStats/current_lr_0', 'hifigan_TrainIterStats/current_lr_1', 'hifigan_TrainIterStats/loss_gen', 'hifigan_EvalStats/current_lr_0'];

describe('LR tags of several optimizers', () => {
  it("reads Coqui's current_lr_0 / current_lr_1 as optimizers 0 and 1, leaving the eval copy out", () => {
    expect(optimizerLrs(COQUI)).toEqual([
      { name: '0', groups: ['hifigan_TrainIterStats/current_lr_0'] },
      { name: '1', groups: ['hifigan_TrainIterStats/current_lr_1'] },
    ]);
    const m = mapLogColumns(COQUI);
    expect(m.lr).toBe('hifigan_TrainIterStats/current_lr_0');
    expect(m.optimizers).toEqual([
      { name: '0', lr: 'hifigan_TrainIterStats/current_lr_0' },
      { name: '1', lr: 'hifigan_TrainIterStats/current_lr_1' },
    ]);
    // Neither LR is also a metric.
    expect([...m.metrics.keys()]).toEqual(['hifigan_TrainIterStats/loss_gen', 'hifigan_EvalStats/current_lr_0']);
    expect(m.notes).toEqual(['several optimizers, each with an LR of its own: 0 ("hifigan_TrainIterStats/current_lr_0"), 1 ("hifigan_TrainIterStats/current_lr_1")']);
  });

  it('names them as the config tells (disc, gen), and keeps the index for a name the API would refuse', () => {
    const m = mapLogColumns(COQUI, { '0': 'disc', '1': 'gen' });
    expect(m.optimizers.map((o) => o.name)).toEqual(['disc', 'gen']);
    expect(placeLrTags(optimizerLrs(COQUI), { '0': 'no spaces', '1': '0' }).optimizers.map((o) => o.name)).toEqual(['0', '1']);
  });

  it("reads Lightning's lr-Adam / lr-Adam-1 / lr-SGD under their own names, /pg1 /pg2 as param groups", () => {
    expect(placeLrTags(optimizerLrs(['lr-Adam/pg2', 'lr-Adam/pg1', 'lr-Adam-1', 'lr-SGD', 'step']))).toEqual({
      lr: 'lr-Adam/pg1',
      lrs: ['lr-Adam/pg1', 'lr-Adam/pg2'],
      optimizers: [
        { name: 'Adam', lr: 'lr-Adam/pg1', lrs: ['lr-Adam/pg1', 'lr-Adam/pg2'] },
        { name: 'Adam-1', lr: 'lr-Adam-1' },
        { name: 'SGD', lr: 'lr-SGD' },
      ],
      apart: [],
    });
    // One plain LR tag is just the LR, chosen by name like any other: a run with one optimizer.
    expect(optimizerLrs(['lr-AdamW', 'train_loss'])).toEqual([]);
    expect(mapLogColumns(['lr-AdamW', 'train_loss_step', 'epoch'])).toMatchObject({ lr: 'lr-AdamW', loss: 'train_loss_step', epoch: 'epoch', optimizers: [] });
  });

  it('keeps optimizers beyond the API limit of 8 as metrics, saying so', () => {
    const cols = Array.from({ length: 10 }, (_, i) => `current_lr_${i}`);
    const m = mapLogColumns(cols);
    expect(m.optimizers.map((o) => o.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect([...m.metrics.keys()]).toEqual(['current_lr_8', 'current_lr_9']);
    expect(m.notes[1]).toBe('more than 8 optimizers: "current_lr_8", "current_lr_9" are kept as metrics');
  });

  it("gives a point every optimizer's LR under its name, the first's as lr / lrs too", () => {
    const m = mapLogColumns(['lr-Adam/pg1', 'lr-Adam/pg2', 'lr-SGD', 'loss']);
    const g = { step: 3, cells: { 'lr-Adam/pg1': 0.1, 'lr-Adam/pg2': 0.01, 'lr-SGD': 0.5, loss: 2 } };
    expect(toLogPoints([g], m).points).toEqual([{ step: 3, lr: 0.1, lrs: [0.1, 0.01], loss: 2, optimizers: { Adam: { lr: 0.1, lrs: [0.1, 0.01] }, SGD: { lr: 0.5 } } }]);
  });

  it('leaves out an optimizer whose LR is missing or not a number ≥ 0, and keeps a step with only the second', () => {
    const m = mapLogColumns(['current_lr_0', 'current_lr_1'], { '0': 'disc', '1': 'gen' });
    const { points, dropped } = toLogPoints(
      [
        { step: 1, cells: { current_lr_0: 1e-4, current_lr_1: -1 } },
        { step: 2, cells: { current_lr_1: 2e-4 } },
      ],
      m,
    );
    expect(points).toEqual([
      { step: 1, lr: 1e-4, optimizers: { disc: { lr: 1e-4 } } },
      { step: 2, optimizers: { gen: { lr: 2e-4 } } },
    ]);
    expect(dropped).toEqual(['step 1: LR -1 of optimizer gen is not a finite number ≥ 0']);
  });

  it('waits for every optimizer of a step before it counts as complete', () => {
    const m = mapLogColumns(['current_lr_0', 'current_lr_1', 'loss']);
    expect(holdsEveryField(m, { current_lr_0: 1, loss: 1 })).toBe(false);
    expect(holdsEveryField(m, { current_lr_0: 1, current_lr_1: 1, loss: 1 })).toBe(true);
  });
});
