// Column mapping by the names trainers and trackers use, ambiguity, and the user's own choice.
import { describe, expect, it } from 'vitest';
import { describeProblem, mapColumns, parseMapOption } from '@/lib/import';

const auto = (columns: string[]) => mapColumns(columns).mapping;

describe('mapColumns', () => {
  it('maps Lightning\'s metrics.csv (CSVLogger with LearningRateMonitor)', () => {
    expect(auto(['epoch', 'step', 'lr-AdamW', 'train_loss_step', 'train_loss_epoch', 'val_loss'])).toEqual({ step: 'step', lr: 'lr-AdamW', loss: 'train_loss_step', epoch: 'epoch' });
  });

  it('takes param group 0 (Lightning\'s pg1) when the optimizer has several groups', () => {
    const r = mapColumns(['step', 'lr-SGD/pg2', 'lr-SGD/pg1', 'lr-SGD/pg10']);
    expect(r.mapping.lr).toBe('lr-SGD/pg1');
    expect(r.alternatives.lr).toEqual(['lr-SGD/pg2', 'lr-SGD/pg10']);
  });

  it('maps Hugging Face logs, W&B exports and Coqui\'s TensorBoard tags', () => {
    expect(auto(['loss', 'learning_rate', 'epoch', 'step', 'eval_loss'])).toEqual({ step: 'step', lr: 'learning_rate', loss: 'loss', epoch: 'epoch' });
    expect(auto(['_step', '_timestamp', 'train/global_step', 'train/learning_rate', 'train/loss', 'train/epoch', 'eval/loss'])).toEqual({
      step: 'train/global_step',
      lr: 'train/learning_rate',
      loss: 'train/loss',
      epoch: 'train/epoch',
      time: '_timestamp',
    });
    expect(auto(['step', 'wall_time', 'TrainIterStats/current_lr', 'TrainIterStats/loss', 'EvalStats/avg_loss'])).toEqual({
      step: 'step',
      lr: 'TrainIterStats/current_lr',
      loss: 'TrainIterStats/loss',
      time: 'wall_time',
    });
    expect(auto(['iteration', 'LR', 'Loss'])).toEqual({ step: 'iteration', lr: 'LR', loss: 'Loss' });
  });

  it('prefers the training LR and loss over validation ones', () => {
    expect(auto(['step', 'val/lr', 'train/lr', 'val_loss', 'valid/loss', 'train_loss'])).toEqual({ step: 'step', lr: 'train/lr', loss: 'train_loss' });
  });

  it('asks instead of guessing when two columns look equally like the LR', () => {
    const r = mapColumns(['step', 'generator/lr', 'discriminator/lr', 'loss']);
    expect(r.mapping.lr).toBeUndefined();
    expect(r.problems).toEqual([{ field: 'lr', kind: 'ambiguous', candidates: ['generator/lr', 'discriminator/lr'] }]);
    expect(describeProblem(r.problems[0], [], (f) => `--map ${f}=COLUMN`)).toBe('columns "generator/lr" and "discriminator/lr" all look like the learning rate: choose one with --map lr=COLUMN');
  });

  it('reports a missing step or LR with the names it looked for and the columns it found', () => {
    const r = mapColumns(['epoch', 'accuracy']);
    expect(r.problems.map((p) => p.field)).toEqual(['step', 'lr']);
    expect(describeProblem(r.problems[1], ['epoch', 'accuracy'], () => 'the LR menu')).toBe(
      'no learning rate column: looked for lr, learning_rate, train/lr, current_lr, lr-<optimizer>, lr-<optimizer>/pg1; the file has "epoch", "accuracy". Choose one with the LR menu',
    );
  });

  it('lets the user choose a column, or leave a field out, and keeps auto-mapping for the rest', () => {
    expect(mapColumns(['it', 'my_lr', 'loss', 'epoch'], { step: 'it', lr: 'my_lr', epoch: null }).mapping).toEqual({ step: 'it', lr: 'my_lr', loss: 'loss' });
    expect(mapColumns(['Step', 'LR'], { step: 'step' }).mapping).toEqual({ step: 'Step', lr: 'LR' });
    // A column the user gave to one field is not auto-mapped to another.
    expect(mapColumns(['step', 'loss', 'lr'], { lr: 'loss' }).mapping).toEqual({ step: 'step', lr: 'loss' });
  });

  it('refuses a chosen column that does not exist, or one chosen twice', () => {
    expect(() => mapColumns(['step', 'lr-Adam'], { lr: 'lr-adm' })).toThrow('lr=lr-adm: there is no column "lr-adm"; did you mean "lr-Adam"? (columns: step, lr-Adam)');
    expect(() => mapColumns(['a', 'b'], { step: 'a', lr: 'a' })).toThrow('column "a" cannot be both step and lr');
  });
});

describe('parseMapOption', () => {
  it('reads FIELD=COLUMN, with = allowed in the column and an empty column meaning none', () => {
    expect(parseMapOption('lr=lr-Adam/pg1')).toEqual(['lr', 'lr-Adam/pg1']);
    expect(parseMapOption('loss=a=b')).toEqual(['loss', 'a=b']);
    expect(parseMapOption('time=')).toEqual(['time', null]);
  });

  it('names the fields it knows when the option is wrong', () => {
    expect(() => parseMapOption('rate=x')).toThrow('--map rate=x: expected FIELD=COLUMN with FIELD one of step, lr, loss, epoch, time (e.g. --map lr=lr-AdamW)');
    expect(() => parseMapOption('lr')).toThrow(/^--map lr: expected FIELD=COLUMN/);
  });
});
