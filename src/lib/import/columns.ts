// Which column is the step, the LR, the loss, the epoch and the time, by the names trainers and
// trackers give them: Lightning (lr-Adam, lr-Adam/pg1, train_loss_step), Hugging Face
// (learning_rate, train/learning_rate, train/global_step), Coqui (current_lr), W&B exports
// (_step, _timestamp), TensorBoard tags. A user's explicit choice (--map lr=COLUMN) wins.
import { didYouMean } from '../schedules/suggest';
import { ImportError } from './errors';

export const FIELDS = ['step', 'lr', 'loss', 'epoch', 'time'] as const;
export type Field = (typeof FIELDS)[number];

/** Field → column name. */
export type Mapping = Partial<Record<Field, string>>;
/** A user's choices: a column name, or null to leave the field out. */
export type MapOverrides = Partial<Record<Field, string | null>>;

export interface MappingProblem {
  field: Field;
  kind: 'missing' | 'ambiguous';
  /** For 'ambiguous', the columns that tie. */
  candidates: string[];
}

export interface MappingResult {
  mapping: Mapping;
  /** Columns that also matched a field, to say what was passed over. */
  alternatives: Partial<Record<Field, string[]>>;
  problems: MappingProblem[];
}

type Scorer = (full: string, last: string) => number;

const LR_GROUP = /^lr-[^/]+\/pg(\d+)$/;

// Higher is more certain; 0 is no match. Fields whose best two tie are ambiguous.
const SCORERS: Record<Field, Scorer> = {
  step: (full, last) => {
    if (full === 'step') return 100;
    if (last === 'global_step') return 95;
    if (full === 'iteration' || full === 'iter' || full === 'iterations') return 90;
    if (last === 'step') return 85;
    if (full === 'steps') return 80;
    if (full === '_step') return 50; // W&B's row counter: the trainer's own step is better when there is one
    return 0;
  },
  lr: (full, last) => {
    if (full === 'lr') return 100;
    if (full === 'learning_rate' || full === 'learningrate' || full === 'learning-rate') return 98;
    if (last === 'lr' || last === 'learning_rate' || last === 'learningrate') return 95;
    if (last === 'current_lr') return 94;
    if (/^lr-[^/]+$/.test(full)) return 90;
    const group = LR_GROUP.exec(full);
    // Lightning numbers param groups from 1 when there are several: pg1 is group 0.
    if (group) return 89 - Math.min(Number(group[1]), 99) / 100;
    return 0;
  },
  loss: (full, last) => {
    if (full === 'loss') return 100;
    if (full === 'train/loss') return 95;
    if (full === 'train_loss' || full === 'training_loss') return 93;
    if (full === 'train_loss_step' || full === 'loss_step') return 92;
    if (last === 'loss') return 90;
    if (full === 'train_loss_epoch' || full === 'loss_epoch') return 60;
    return 0;
  },
  epoch: (full, last) => {
    if (full === 'epoch') return 100;
    if (last === 'epoch') return 95;
    if (full === 'epochs') return 80;
    return 0;
  },
  time: (full) => {
    if (full === 'wall_time' || full === 'walltime') return 100;
    if (full === 'time') return 95;
    if (full === 'timestamp') return 90;
    if (full === '_timestamp') return 85;
    return 0;
  },
};

/** Validation and test metrics are never the training step's LR or loss (Coqui scopes them "<model>_EvalStats/..."). */
export function heldOut(full: string): boolean {
  return full.split('/').some((seg) => /^(val|valid|validation|eval|test)([_-]|$)/.test(seg) || /(^|_)(eval|test)stats$/.test(seg));
}

function score(field: Field, column: string): number {
  const full = column.trim().toLowerCase();
  const last = full.slice(full.lastIndexOf('/') + 1);
  const s = SCORERS[field](full, last);
  return s > 0 && heldOut(full) ? s - 50 : s;
}

function resolve(field: Field, wanted: string, columns: readonly string[]): string {
  if (columns.includes(wanted)) return wanted;
  const folded = columns.filter((c) => c.toLowerCase() === wanted.toLowerCase());
  if (folded.length === 1) return folded[0];
  throw new ImportError(`${field}=${wanted}: there is no column "${wanted}"${didYouMean(wanted, columns)} (columns: ${columns.join(', ')})`);
}

export function mapColumns(columns: readonly string[], overrides: MapOverrides = {}): MappingResult {
  const mapping: Mapping = {};
  const alternatives: MappingResult['alternatives'] = {};
  const problems: MappingProblem[] = [];
  const taken = new Map<string, Field>();
  for (const field of FIELDS) {
    const wanted = overrides[field];
    if (wanted === undefined || wanted === null) continue;
    const column = resolve(field, wanted, columns);
    const other = taken.get(column);
    if (other) throw new ImportError(`column "${column}" cannot be both ${other} and ${field}`);
    taken.set(column, field);
    mapping[field] = column;
  }
  for (const field of FIELDS) {
    if (field in overrides) continue;
    const ranked = columns
      .map((column, order) => ({ column, order, score: taken.has(column) ? 0 : score(field, column) }))
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order);
    if (ranked.length === 0) {
      if (field === 'step' || field === 'lr') problems.push({ field, kind: 'missing', candidates: [] });
      continue;
    }
    // An LR or step picked at random would give a verdict on the wrong series: ask instead.
    const ties = ranked.filter((c) => c.score === ranked[0].score);
    if (ties.length > 1 && (field === 'step' || field === 'lr')) {
      problems.push({ field, kind: 'ambiguous', candidates: ties.map((c) => c.column) });
      continue;
    }
    mapping[field] = ranked[0].column;
    taken.set(ranked[0].column, field);
    if (ranked.length > 1) alternatives[field] = ranked.slice(1).map((c) => c.column);
  }
  return { mapping, alternatives, problems };
}

const LOOKED_FOR: Record<'step' | 'lr', string> = {
  step: 'step, global_step, iteration, iter, _step',
  lr: 'lr, learning_rate, train/lr, current_lr, lr-<optimizer>, lr-<optimizer>/pg1',
};

/** A mapping problem in words; `how` says how to choose a column ("--map lr=COLUMN", "the LR menu"). */
export function describeProblem(p: MappingProblem, columns: readonly string[], how: (field: Field) => string): string {
  const what = p.field === 'lr' ? 'learning rate' : 'step';
  if (p.kind === 'ambiguous') {
    const list = p.candidates.map((c) => `"${c}"`).join(' and ');
    return `columns ${list} all look like the ${what}: choose one with ${how(p.field)}`;
  }
  const field = p.field as 'step' | 'lr';
  return `no ${what} column: looked for ${LOOKED_FOR[field]}; the file has ${columns.length ? columns.map((c) => `"${c}"`).join(', ') : 'no columns'}. Choose one with ${how(p.field)}`;
}

/** Reads one `--map FIELD=COLUMN` option (an empty COLUMN leaves the field out). */
export function parseMapOption(option: string): [Field, string | null] {
  const eq = option.indexOf('=');
  const field = (eq < 0 ? option : option.slice(0, eq)).trim() as Field;
  if (eq < 0 || !FIELDS.includes(field)) {
    throw new ImportError(`--map ${option}: expected FIELD=COLUMN with FIELD one of ${FIELDS.join(', ')} (e.g. --map lr=lr-AdamW)`);
  }
  const column = option.slice(eq + 1);
  return [field, column === '' ? null : column];
}
