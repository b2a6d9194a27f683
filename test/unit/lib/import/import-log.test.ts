// The whole import: format detection, reading, mapping and converting; and the API's batches.
import { describe, expect, it } from 'vitest';
import { batches, detectFormat, importLog, MAX_BATCH, pointsFromTable, readTable, toApiPoint } from '@/lib/import';
import { REAL_TF_FILE } from './real-tf-file';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('detectFormat', () => {
  it('goes by the file name first', () => {
    expect(detectFormat('runs/a/events.out.tfevents.1700000000.host.1234.0', new Uint8Array())).toBe('tensorboard');
    expect(detectFormat('logs/metrics.csv', new Uint8Array())).toBe('csv');
    expect(detectFormat('x.TSV', new Uint8Array())).toBe('csv');
    expect(detectFormat('log.jsonl', new Uint8Array())).toBe('jsonl');
    expect(detectFormat('log.ndjson', new Uint8Array())).toBe('jsonl');
    expect(detectFormat('trainer_state.json', new Uint8Array())).toBe('json');
  });

  it('looks at the content when the name says nothing', () => {
    expect(detectFormat('upload', REAL_TF_FILE)).toBe('tensorboard');
    expect(detectFormat('upload', bytes('[{"step": 0}]'))).toBe('json');
    expect(detectFormat('upload', bytes('{"step": 0, "lr": 1}\n{"step": 1, "lr": 1}\n'))).toBe('jsonl');
    expect(detectFormat('upload', bytes('{\n  "points": []\n}'))).toBe('json');
    expect(detectFormat('upload', bytes('step,lr\n0,1\n'))).toBe('csv');
  });
});

describe('importLog', () => {
  it('imports a Lightning metrics.csv with the LR and the loss on separate rows', () => {
    const csv = 'epoch,step,lr-AdamW,train_loss_step,val_loss\n0,0,0.001,,\n0,0,,2.5,\n0,50,0.001,,\n0,50,,2.1,\n0,99,,,1.9\n1,100,0.0005,,\n';
    const log = importLog({ fileName: 'metrics.csv', bytes: bytes(csv) });
    expect(log.format).toBe('csv');
    expect(log.mapping).toEqual({ step: 'step', lr: 'lr-AdamW', loss: 'train_loss_step', epoch: 'epoch' });
    expect(log.points).toEqual([
      { step: 0, lr: 0.001, loss: 2.5, epoch: 0 },
      { step: 50, lr: 0.001, loss: 2.1, epoch: 0 },
      { step: 99, epoch: 0 },
      { step: 100, lr: 0.0005, epoch: 1 },
    ]);
    expect(log.notes).toContain('columns: step ← "step", lr ← "lr-AdamW", loss ← "train_loss_step", epoch ← "epoch"');
  });

  it('imports a JSONL log with a column chosen by the user', () => {
    const log = importLog({ fileName: 'log.jsonl', bytes: bytes('{"it": 0, "opt": {"lr": 0.1}}\n{"it": 1, "opt": {"lr": 0.05}}\n'), map: { step: 'it' } });
    expect(log.points).toEqual([
      { step: 0, lr: 0.1 },
      { step: 1, lr: 0.05 },
    ]);
  });

  it('keeps the schedule carried by lrscope\'s own run file', () => {
    const log = importLog({ fileName: 'run.json', bytes: bytes(JSON.stringify({ schedule: { name: 'StepLR' }, points: [{ step: 0, lr: 1 }] })) });
    expect(log.meta?.schedule).toEqual({ name: 'StepLR' });
  });

  it('says how to choose a column when the LR cannot be found, in the caller\'s words', () => {
    expect(() => importLog({ fileName: 'a.csv', bytes: bytes('step,rate\n0,1\n') })).toThrow(/^no learning rate column: .*the file has "step", "rate"\. Choose one with --map lr=COLUMN$/);
    const table = readTable('a.csv', bytes('step,rate\n0,1\n'));
    expect(() => pointsFromTable(table, {}, () => 'the "Learning rate" menu')).toThrow(/Choose one with the "Learning rate" menu$/);
  });

  it('refuses a file whose LR column is empty, or that has no values', () => {
    expect(() => importLog({ fileName: 'a.csv', bytes: bytes('step,lr,loss\n0,,1\n') })).toThrow('column "lr" (lr) is empty in every row: nothing to check');
    expect(() => importLog({ fileName: 'a.csv', bytes: bytes('step,lr\n') })).toThrow('no row has a step and a value: nothing to import');
  });
});

describe('API points', () => {
  it('sends non-finite losses as the strings the API takes, and leaves absent fields out', () => {
    expect(toApiPoint({ step: 1, lr: 0.1, loss: Number.NaN })).toEqual({ step: 1, lr: 0.1, loss: 'NaN' });
    expect(toApiPoint({ step: 2, loss: Number.POSITIVE_INFINITY, epoch: 0, time: 5 })).toEqual({ step: 2, loss: 'Infinity', epoch: 0, time: 5 });
    expect(toApiPoint({ step: 3, loss: Number.NEGATIVE_INFINITY })).toEqual({ step: 3, loss: '-Infinity' });
  });

  it('cuts points into batches of at most 10,000', () => {
    const items = Array.from({ length: 25_001 }, (_, i) => i);
    const sizes = [...batches(items)].map((b) => b.length);
    expect(MAX_BATCH).toBe(10_000);
    expect(sizes).toEqual([10_000, 10_000, 5_001]);
    expect([...batches(items, 25_000)].map((b) => b.length)).toEqual([25_000, 1]);
    expect([...batches([], 5)]).toEqual([]);
    expect(() => [...batches(items, 0)]).toThrow(RangeError);
  });
});
