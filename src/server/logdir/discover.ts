// Finds the run folders under a log directory the way TensorBoard does: every folder that directly
// holds a log file is a run, named by its path relative to the directory. Log files: TensorBoard
// event files (*tfevents*), Lightning's metrics.csv, and Hugging Face's trainer_state.json where no
// event file lies below it (the Trainer writes its events under runs/, and checkpoint-N/ folders
// hold copies of trainer_state.json, which are skipped).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export type LogKind = 'events' | 'csv' | 'json';

export interface RunFolder {
  /** Absolute path. */
  dir: string;
  /** Path relative to the log directory ("." for the directory itself), with "/" separators. */
  rel: string;
  /** Log files directly in the folder: name → kind. */
  files: Map<string, LogKind>;
}

const SKIP = /^(\..*|node_modules|__pycache__|checkpoint-\d+|wandb|mlruns)$/;

export function logKind(name: string): LogKind | undefined {
  if (name.includes('tfevents')) return 'events';
  if (name === 'metrics.csv') return 'csv';
  if (name === 'trainer_state.json') return 'json';
  return undefined;
}

/** Walks `root`, at most `maxDirs` folders (a guard against pointing at "/"). */
export async function discoverRuns(root: string, maxDirs = 100_000): Promise<RunFolder[]> {
  const runs: RunFolder[] = [];
  let visited = 0;
  // Returns whether the subtree holds an event file, which makes a trainer_state.json beside it redundant.
  const walk = async (dir: string): Promise<boolean> => {
    if (++visited > maxDirs) return false;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    const files = new Map<string, LogKind>();
    let events = false;
    for (const e of entries) {
      if (e.isFile()) {
        const kind = logKind(e.name);
        if (kind) files.set(e.name, kind);
        if (kind === 'events') events = true;
      }
    }
    for (const e of entries) if (e.isDirectory() && !SKIP.test(e.name) && (await walk(path.join(dir, e.name)))) events = true;
    if (events && files.get('trainer_state.json') === 'json' && ![...files.values()].includes('events')) files.delete('trainer_state.json');
    if (files.size) runs.push({ dir, rel: path.relative(root, dir).split(path.sep).join('/') || '.', files });
    return events;
  };
  await walk(root);
  return runs.sort((a, b) => a.rel.localeCompare(b.rel));
}
