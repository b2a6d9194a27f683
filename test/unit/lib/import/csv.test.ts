// CSV and TSV with a header: quoting, line endings, and errors that name the line.
import { describe, expect, it } from 'vitest';
import { ImportError } from '@/lib/import';
import { parseCsv } from '@/lib/import/csv';

const cells = (text: string) => parseCsv(text).rows.map((r) => r.cells);

describe('parseCsv', () => {
  it('reads a header and rows, remembering each row\'s line', () => {
    const t = parseCsv('step,lr,loss\n0,0.1,2.3\n1,0.1,2.2\n');
    expect(t.format).toBe('csv');
    expect(t.columns).toEqual(['step', 'lr', 'loss']);
    expect(t.rows).toEqual([
      { at: 2, cells: ['0', '0.1', '2.3'] },
      { at: 3, cells: ['1', '0.1', '2.2'] },
    ]);
    expect(t.locate(t.rows[1])).toBe('line 3');
  });

  it('handles quotes, doubled quotes, delimiters and newlines inside quotes', () => {
    const t = parseCsv('name,"a,b"\n"x ""y""",1\n"two\nlines",2\nlast,3\n');
    expect(t.columns).toEqual(['name', 'a,b']);
    expect(t.rows.map((r) => [r.at, ...r.cells])).toEqual([
      [2, 'x "y"', '1'],
      [3, 'two\nlines', '2'],
      [5, 'last', '3'],
    ]);
  });

  it('takes CRLF, a byte-order mark, blank lines and a missing final newline', () => {
    expect(parseCsv('\ufeffstep,lr\r\n0,1\r\n\r\n1,2').rows.map((r) => [r.at, ...r.cells])).toEqual([
      [2, '0', '1'],
      [4, '1', '2'],
    ]);
  });

  it('reads tab- and semicolon-separated files by their header', () => {
    expect(cells('step\tlr\n0\t0.5\n')).toEqual([['0', '0.5']]);
    expect(cells('step;lr\n0;0.5\n')).toEqual([['0', '0.5']]);
  });

  it('keeps empty cells, as Lightning writes them, and short rows', () => {
    expect(cells('epoch,step,lr-Adam,train_loss\n0,49,0.001,\n0,49,,0.7\n0,99\n')).toEqual([
      ['0', '49', '0.001', ''],
      ['0', '49', '', '0.7'],
      ['0', '99'],
    ]);
  });

  it('names unnamed columns by position', () => {
    expect(parseCsv(',lr\n0,1\n').columns).toEqual(['column 1', 'lr']);
  });

  it('says which line has too many values, an unclosed quote, or a repeated column', () => {
    expect(() => parseCsv('step,lr\n0,1\n1,2,3\n')).toThrow('line 3: 3 values, but the header has 2 columns (step, lr)');
    expect(() => parseCsv('step,lr\n0,"1\n')).toThrow('line 2: a quoted value is not closed');
    expect(() => parseCsv('step,lr,lr\n')).toThrow('line 1: column "lr" appears twice (columns 2 and 3)');
    expect(() => parseCsv('\n\n')).toThrow(ImportError);
    expect(() => parseCsv('')).toThrow(/the file is empty: expected a header line/);
  });
});
