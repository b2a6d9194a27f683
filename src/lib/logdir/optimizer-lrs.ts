// Which logged tags are the learning rates of which optimizer, for runs with several (GANs, Coqui
// vocoders): Coqui's current_lr_0 / current_lr_1, Lightning's lr-Adam / lr-Adam-1 (two optimizers
// of one class) / lr-SGD, each with /pg1, /pg2 ... per param group.
//
// THE ONE PLACE that decides where those LRs go in a point. The wire has one LR series per run
// today: the first optimizer's LR is the point's lr (its param groups lrs), and every other
// optimizer's LR is kept apart as a metric of its own name, never mixed into lr. When points carry
// `optimizers` ({ [name]: { lr, lrs } }), placeLrTags is what changes: the others move there.
import { heldOut } from '../import/columns';

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

export interface LrPlacement {
  /** The tag that is the point's lr, and the tags of its param groups (lrs) when it has several. */
  lr?: string;
  lrs?: string[];
  /** LR tags of the other optimizers: each is logged as a metric of its own name. */
  apart: string[];
}

export function placeLrTags(optimizers: readonly OptimizerLrs[]): LrPlacement {
  if (optimizers.length === 0) return { apart: [] };
  const [first, ...others] = optimizers;
  return { lr: first.groups[0], lrs: first.groups.length > 1 ? first.groups : undefined, apart: others.flatMap((o) => o.groups) };
}
