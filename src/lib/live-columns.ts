// A run page's live points on the wire: by column, the keys once per event rather than once per
// point (half the bytes of every page's stream). The server builds them, the page reads them back.

export interface LiveColumns {
  step: number[];
  epoch: (number | null)[];
  lr: (number | null)[];
  loss: (number | null)[];
  time: (number | null)[];
  /** The configured schedule's LR at each step. */
  expectedLr: (number | null)[];
  [column: string]: (number | null)[];
}

export const LIVE_COLUMNS = ['step', 'epoch', 'lr', 'loss', 'time', 'expectedLr'] as const;

/** A point pushed live. */
export interface LivePoint {
  step: number;
  epoch: number | null;
  lr: number | null;
  loss: number | null;
  time: number | null;
  expectedLr: number | null;
}

/** The columns as points (a missing value is null). */
export function livePoints(c: LiveColumns): LivePoint[] {
  return c.step.map((step, i) => ({ step, epoch: c.epoch[i] ?? null, lr: c.lr[i] ?? null, loss: c.loss[i] ?? null, time: c.time[i] ?? null, expectedLr: c.expectedLr[i] ?? null }));
}
