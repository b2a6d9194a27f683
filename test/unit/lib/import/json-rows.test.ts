// JSON lines and JSON documents (a list, trainer_state.json, lrscope's run file).
import { describe, expect, it } from 'vitest';
import { parseJsonDocument, parseJsonLines } from '@/lib/import/json-rows';

describe('parseJsonLines', () => {
  it('reads one object per line into columns, flattening nested objects with "/"', () => {
    const t = parseJsonLines('{"step": 0, "lr": 0.1}\n\n{"step": 1, "train": {"lr": 0.2, "loss": 1.5}, "lrs": [0.2, 0.1]}\n');
    expect(t.columns).toEqual(['step', 'lr', 'train/lr', 'train/loss']);
    expect(t.rows).toEqual([
      { at: 1, cells: [0, 0.1] },
      { at: 3, cells: [1, undefined, 0.2, 1.5] },
    ]);
    expect(t.notes).toEqual(['left out list values: lrs']);
    expect(t.locate(t.rows[1])).toBe('line 3');
  });

  it('names the line that is not JSON or not an object', () => {
    expect(() => parseJsonLines('{"step": 0}\n{"step": 1,\n')).toThrow(/^line 2: not valid JSON \(/);
    expect(() => parseJsonLines('{"step": 0}\n[1, 2]\n')).toThrow('line 2: expected an object like {"step": 0, "lr": 0.1}, got a list');
    expect(() => parseJsonLines('3\n')).toThrow('line 1: expected an object like {"step": 0, "lr": 0.1}, got 3');
    expect(() => parseJsonLines('\n  \n')).toThrow(/^the file is empty/);
  });
});

describe('parseJsonDocument', () => {
  it('reads a list of objects', () => {
    const t = parseJsonDocument('[{"step": 0, "lr": 1}, {"step": 1, "lr": 0.5}]');
    expect(t.rows.map((r) => r.cells)).toEqual([
      [0, 1],
      [1, 0.5],
    ]);
    expect(t.locate(t.rows[1])).toBe('[1]');
  });

  it('reads Hugging Face\'s trainer_state.json by its log_history', () => {
    const t = parseJsonDocument(JSON.stringify({ global_step: 20, log_history: [{ epoch: 0.5, learning_rate: 4e-5, loss: 2.1, step: 10 }, { epoch: 1, eval_loss: 1.9, step: 20 }] }));
    expect(t.columns).toEqual(['epoch', 'learning_rate', 'loss', 'step', 'eval_loss']);
    expect(t.locate(t.rows[0])).toBe('log_history[0]');
    expect(t.meta).toBeUndefined();
  });

  it('reads lrscope\'s own run file, keeping its schedule and stepsPerEpoch', () => {
    const schedule = { name: 'StepLR', params: { step_size: 2 }, baseLr: 0.1 };
    const t = parseJsonDocument(JSON.stringify({ schedule, stepsPerEpoch: 10, points: [{ step: 0, lr: 0.1 }] }));
    expect(t.meta).toEqual({ schedule, stepsPerEpoch: 10 });
    expect(t.locate(t.rows[0])).toBe('points[0]');
  });

  it('says what it expected when the document holds no rows', () => {
    expect(() => parseJsonDocument('{"a": 1}')).toThrow(/^expected a list of objects, an object with "points"/);
    expect(() => parseJsonDocument('[]')).toThrow('the list is empty: no points to import');
    expect(() => parseJsonDocument('{"log_history": []}')).toThrow('log_history is empty: no points to import');
    expect(() => parseJsonDocument('{')).toThrow(/^not valid JSON/);
    expect(() => parseJsonDocument('[{"step": 0}, 5]')).toThrow('[1]: expected an object like {"step": 0, "lr": 0.1}, got 5');
  });
});
