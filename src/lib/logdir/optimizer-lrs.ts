// Which logged tags are the learning rates of which optimizer, for runs with several (GANs, Coqui
// vocoders): Coqui's current_lr_0 / current_lr_1, Lightning's lr-Adam / lr-Adam-1 (two optimizers
// of one class) / lr-SGD, each with /pg1, /pg2 ... per param group.
//
// THE ONE PLACE that decides where those LRs go in a point: each optimizer's LR goes in the point's
// `optimizers` under its name (so each is a series of its own, checked against its own schedule),
// and the first optimizer's is also the point's lr / lrs, as the wire wants (tables keep working).
import { heldOut } from '../import/columns';
import { MAX_OPTIMIZERS, OPTIMIZER_NAME } from '../optimizers/optimizer-points';

export interface OptimizerLrs {
  /** "0", "1" (Coqui's index), or Lightning's "Adam", "Adam-1". */
  name: string;
  /** Tags of the optimizer's param groups, group 0 first. */
  groups: string[];
}

const COQUI = /^(?:.*\/)?current_lr_(\d+)$/;
const LIGHTNING = /^lr-([A-Za-z0-9_.]+?)(-\d+)?(?:\/pg(\d+))?$/;

/** The optimizers whose LR tags are numbered or named, in order; empty when the log has one plain LR tag (lr, current_lr, learning_rate). */
export function optimizerLrs(columns: readonly string[]): OptimizerLrs[] {
  const found = new Map<string, { order: number; groups: { tag: string; group: number }[] }>();
  const add = (name: string, order: number, tag: string, group: number) => {
    let o = found.get(name);
    if (!o) found.set(name, (o = { order, groups: [] }));
    o.groups.push({ tag, group });
  };
  columns.forEach((tag, i) => {
    if (heldOut(tag.toLowerCase())) return;
    const c = COQUI.exec(tag);
    if (c) return add(c[1], Number(c[1]), tag, 0);
    const l = LIGHTNING.exec(tag);
    // Lightning names the second optimizer of a class "lr-Adam-1"; optimizers keep the order their tags first appear in.
    if (l) add(`${l[1]}${l[2] ?? ''}`, i, tag, l[3] === undefined ? 0 : Number(l[3]));
  });
  // One optimizer with one plain lr-Adam tag is just an LR tag; the mapping by name handles it.
  if (found.size === 1 && [...found.values()][0].groups.length === 1 && !COQUI.test([...found.values()][0].groups[0].tag)) return [];
  return [...found.entries()]
    .sort((a, b) => a[1].order - b[1].order)
    .map(([name, o]) => ({ name, groups: o.groups.sort((a, b) => a.group - b.group).map((g) => g.tag) }));
}

/** One optimizer of a point: the tag of its LR (group 0) and of every group when it has several. */
export interface PlacedOptimizer {
  name: string;
  lr: string;
  lrs?: string[];
}

export interface LrPlacement {
  /** The tag that is the point's lr, and the tags of its param groups (lrs) when it has several: the first optimizer's. */
  lr?: string;
  lrs?: string[];
  /** Every optimizer, the first included, under the name it is logged as (empty for a run with one). */
  optimizers: PlacedOptimizer[];
  /** LR tags beyond the API's limit of optimizers per run: each is logged as a metric of its own name. */
  apart: string[];
}

/**
 * `names` renames optimizers by their name in the log (Coqui's "0" → "disc" when the config tells
 * for certain, coqui-gan.ts); a name the API would refuse keeps the log's, cut to size.
 */
export function placeLrTags(optimizers: readonly OptimizerLrs[], names: Readonly<Record<string, string>> = {}): LrPlacement {
  if (optimizers.length === 0) return { optimizers: [], apart: [] };
  const placed: PlacedOptimizer[] = [];
  const taken = new Set<string>();
  for (const o of optimizers.slice(0, MAX_OPTIMIZERS)) {
    const wanted = names[o.name];
    let name = wanted !== undefined && OPTIMIZER_NAME.test(wanted) ? wanted : o.name.slice(0, 64);
    // Two optimizers never share a series, even if a rename would make them.
    if (taken.has(name)) name = o.name.slice(0, 64);
    taken.add(name);
    placed.push({ name, lr: o.groups[0], lrs: o.groups.length > 1 ? o.groups : undefined });
  }
  return { lr: placed[0].lr, lrs: placed[0].lrs, optimizers: placed, apart: optimizers.slice(MAX_OPTIMIZERS).flatMap((o) => o.groups) };
}
