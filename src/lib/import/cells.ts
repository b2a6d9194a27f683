// Turning a cell into the number a point field needs, with the rule it broke in words.
import type { Cell } from './table';

// Decimal and scientific notation only: Number() would also take "0x1f", "1_000" and " ".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** undefined for an empty cell; a number (NaN and ±∞ included) for a numeric one; a string saying what was there otherwise. */
export function cellNumber(cell: Cell): number | undefined | { bad: string } {
  if (cell === undefined || cell === null) return undefined;
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return { bad: String(cell) };
  const text = cell.trim();
  if (text === '') return undefined;
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  return { bad: JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell) };
}
