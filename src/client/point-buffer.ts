// The points logged but not yet sent, one per step, in the order they were first logged.
//
// Memory is bounded: past `capacity` points (counting those in flight) the oldest are dropped
// and counted. The newest are kept because they are what the live view and the live verdict
// need: a run whose schedule stops taking effect is flagged from its latest points, and a gap
// in the middle of a series leaves the detector with fewer points, not a wrong answer. Dropping
// the newest instead would freeze the dashboard at the moment the server became unreachable.
import type { LogValues } from './to-wire-point';

export interface BufferedPoint {
  step: number;
  /** Order of the log() call that first logged this step; flush() waits for everything up to its own. */
  firstSeq: number;
  values: LogValues;
}

export class PointBuffer {
  private readonly points = new Map<number, BufferedPoint>();
  private seq = 0;
  /** Points dropped to stay within capacity. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.points.size;
  }

  /** Sequence number of the last log() call. */
  get lastSeq(): number {
    return this.seq;
  }

  /** First-logged sequence number of the oldest point held, or Infinity when empty. */
  get oldestSeq(): number {
    for (const p of this.points.values()) return p.firstSeq;
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Adds a point, or merges into the one already held for that step (a trainer may log the LR
   * and the loss of one step in separate calls; the server keeps one point per step).
   * `elsewhere` counts points held outside the buffer (in flight), which share the capacity.
   */
  add(step: number, values: LogValues, elsewhere = 0): void {
    this.seq++;
    const held = this.points.get(step);
    if (held) {
      const metrics = held.values.metrics && values.metrics ? { ...held.values.metrics, ...values.metrics } : undefined;
      Object.assign(held.values, values);
      if (metrics) held.values.metrics = metrics;
      return;
    }
    while (this.points.size > 0 && this.points.size + elsewhere >= this.capacity) {
      this.points.delete(this.points.keys().next().value!);
      this.dropped++;
    }
    this.points.set(step, { step, firstSeq: this.seq, values: { ...values } });
  }

  /** Removes and returns up to n of the oldest points. */
  take(n: number): BufferedPoint[] {
    const out: BufferedPoint[] = [];
    for (const [step, p] of this.points) {
      if (out.length >= n) break;
      out.push(p);
      this.points.delete(step);
    }
    return out;
  }
}
