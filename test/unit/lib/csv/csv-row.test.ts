import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '@/lib/csv/csv-row';

/** A small RFC 4180 reader, to prove what is written reads back. */
function parseLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') (cell += '"'), (i += 2);
        else if (line[i] === '"') {
          i++;
          break;
        } else cell += line[i++];
      }
    } else while (i < line.length && line[i] !== ',') cell += line[i++];
    cells.push(cell);
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

describe('csvCell', () => {
  it('writes numbers in full precision, so they read back as the same double', () => {
    for (const n of [0, 1, -1, 5e-4, 0.1 + 0.2, 1 / 3, 123456789012345, 1e-300, -2.5e21, Number.MIN_VALUE]) {
      expect(Number(csvCell(n))).toBe(n);
    }
    expect(csvCell(-0.5), 'a negative number is not a formula').toBe('-0.5');
  });

  it('writes NaN and infinities the way pandas reads them', () => {
    expect(csvCell(Number.NaN)).toBe('NaN');
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe('inf');
    expect(csvCell(Number.NEGATIVE_INFINITY)).toBe('-inf');
  });

  it('leaves missing values empty and writes booleans as words', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
  });

  it('leaves plain text alone and quotes text with commas, quotes, line breaks or edge spaces', () => {
    expect(csvCell('resnet-50 run')).toBe('resnet-50 run');
    expect(csvCell('')).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('padded ')).toBe('"padded "');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const start of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1`).replace(/^"/, '').startsWith(`'${start}`)).toBe(true);
    expect(csvCell('a=b'), 'only at the start').toBe('a=b');
  });
});

describe('csvRow', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRow(['step', 'lr'])).toBe('step,lr\r\n');
    expect(csvRow([1, null, 5e-4, 'x'])).toBe('1,,0.0005,x\r\n');
    expect(csvRow([])).toBe('\r\n');
  });

  it('reads back cell for cell, whatever the text holds', () => {
    const texts = ['plain', 'a,b', '"quoted"', 'line\nbreak', ' lead', 'trail ', 'é ünïcödé', '', ',,,', '""'];
    const line = csvRow(texts);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parseLine(line.slice(0, -2))).toEqual(texts);
  });
});
