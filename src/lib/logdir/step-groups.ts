// Rows → one group per step, with the file offset up to which everything is in a group that is
// complete. Trainers log one step's values as several records (Coqui and torch write one event per
// add_scalar; Lightning's CSV writes the LR and the loss on separate rows), and a read can end
// between two of them. Sending the step then would store it without its other values (a point is
// written once), so the last step of a read is held back, and the offset committed with the
// points stops where that step begins: the next read starts there and reads it whole — unless it
// already holds every field a point is made of (`complete`: its LR, loss and epoch), so a live page
// need not wait for the next step. Values of it that come later are metrics, which the store adds
// to a stored step. A file that stopped growing gives its last step up (`final`).
import { type LogRow, WALL_TIME } from './log-rows';

export interface StepGroup {
  step: number;
  cells: Record<string, number>;
}

export interface Grouped {
  groups: StepGroup[];
  /** The offset after the last row that is in `groups` (or that carried nothing): where the next read starts. */
  next: number;
  /** For each group, the offset after its last row: a batch of groups commits the offset of its last one. */
  ends: number[];
  /** The last step was held back: `next` is where it starts. */
  held: boolean;
  /** The file has shown where a step ends (a later step began), so which fields a step holds is known. */
  settled: boolean;
}

function isEmpty(cells: Record<string, number>): boolean {
  for (const _ in cells) return false;
  return true;
}

/**
 * `settled`: an earlier read already saw a step end. Until then a step cannot be judged complete
 * early: the columns seen so far may be only its first records (the LR before the loss).
 */
export function groupSteps(rows: readonly LogRow[], from: number, final: boolean, complete?: (cells: Record<string, number>) => boolean, settled = false): Grouped {
  const groups: StepGroup[] = [];
  const ends: number[] = [];
  let current: StepGroup | undefined;
  let currentStart = from;
  let currentEnd = from;
  let next = from;
  for (const row of rows) {
    if (row.step < 0 || isEmpty(row.cells)) {
      // Nothing to send: it belongs to whatever group it lies in, or is simply read past.
      if (current) currentEnd = row.end;
      else next = row.end;
      continue;
    }
    if (current && current.step === row.step) {
      // A step's time is when its first value was written.
      const time = current.cells[WALL_TIME];
      Object.assign(current.cells, row.cells);
      if (time !== undefined) current.cells[WALL_TIME] = time;
      currentEnd = row.end;
      continue;
    }
    if (current) {
      groups.push(current);
      ends.push(currentEnd);
      next = currentEnd;
    }
    // The row's own map becomes the group's: rows are read once.
    current = { step: row.step, cells: row.cells };
    currentStart = row.start;
    currentEnd = row.end;
  }
  const known = settled || groups.length > 0;
  if (current && (final || (known && complete?.(current.cells)))) {
    groups.push(current);
    ends.push(currentEnd);
    next = currentEnd;
    return { groups, next, ends, held: false, settled: known };
  }
  if (current) return { groups, next: currentStart, ends, held: true, settled: known };
  return { groups, next, ends, held: false, settled: known };
}
