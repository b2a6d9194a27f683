// Log-directory mode (`--logdir DIR`): finds the run folders under each directory and follows
// them live. Changes are noticed through fs.watch (recursive) where the file system reports them,
// and by polling — every few seconds when watching is not available (network file systems), as a
// slow safety net otherwise. Idle, it costs one stat per log file per poll. Folders are read one
// at a time, so a cold start over hundreds of runs takes the CPU in turn with the API.
import { type FSWatcher, watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { finishRun } from '../runs/finish-run';
import { discoverRuns, type RunFolder } from './discover';
import { createLogdirContext, folderClientId, type LogdirContext, projectPrincipal, type ServerDeps } from './logdir-context';
import { RunFollower, type StoredFile } from './run-follower';
import type { Principal } from '../keys/authenticate';

export interface LogdirOptions {
  dirs: string[];
  /** The project runs go to; by default each directory's own name. */
  project?: string;
  /** Files shipped by `python -m lrscope watch` are copied to <watchDir>/<project>/... and followed from there. */
  watchDir?: string;
  /** Poll period when fs.watch works (a safety net) and when it does not. */
  pollMs: number;
  fallbackPollMs: number;
  /** A file quiet this long gives up its held-back last step. */
  idleMs: number;
  /** Runs whose files have not changed for this long when first read are marked finished. */
  finishedAfterMs: number;
}

/** No log directory: only what training hosts ship (python -m lrscope watch) is followed. */
export const DEFAULT_LOGDIR: LogdirOptions = { dirs: [], pollMs: 10_000, fallbackPollMs: 2_000, idleMs: 2_000, finishedAfterMs: 15 * 60_000 };

export interface LogdirService {
  stop(): Promise<void>;
  /** Resolves once every folder has been read up to what its files held (tests, benchmarks). */
  settled(): Promise<void>;
}

/** A project name from a directory's name: letters, digits and _ . - */
export function projectNameOf(dir: string): string {
  const base = path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return (base || 'logdir').slice(0, 100);
}

interface Root {
  dir: string;
  principal: Principal;
  ctx: LogdirContext;
  followers: Map<string, RunFollower>;
  watcher?: FSWatcher;
  /** Folders (relative) fs.watch reported a change in; "*" asks for a new discovery. */
  dirty: Set<string>;
  discoveredAt: number;
}

export async function startLogdirs(deps: ServerDeps, options: LogdirOptions, log: (line: string) => void = console.log): Promise<LogdirService> {
  const roots: Root[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  const settledWaiters: (() => void)[] = [];
  let busy = true;

  const addRoot = async (dir: string, projectName: string) => {
    const principal = await projectPrincipal(deps, projectName);
    const root: Root = { dir, principal, ctx: createLogdirContext(deps, principal, dir, options.idleMs), followers: new Map(), dirty: new Set(['*']), discoveredAt: 0 };
    try {
      root.watcher = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
        root.dirty.add(name ? path.dirname(String(name)).split(path.sep).join('/') : '*');
        poke();
      });
      root.watcher.on('error', () => {
        root.watcher?.close();
        root.watcher = undefined;
      });
    } catch (err) {
      log(`lrscope: --logdir ${dir}: cannot watch it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); polling every ${options.fallbackPollMs / 1000} s`);
    }
    roots.push(root);
    return root;
  };
  for (const d of options.dirs) {
    const root = await addRoot(path.resolve(d), options.project ?? projectNameOf(d));
    log(`lrscope: following log directory ${root.dir} (project "${root.principal.projectName}")`);
  }
  // Each project's copy of what training hosts watch is a log directory of its own.
  let watchDirWatcher: FSWatcher | undefined;
  const followWatched = async () => {
    if (!options.watchDir) return;
    const projects = await readdir(options.watchDir, { withFileTypes: true }).catch(() => []);
    for (const p of projects) {
      const dir = path.join(options.watchDir, p.name);
      if (p.isDirectory() && !roots.some((r) => r.dir === dir)) await addRoot(dir, p.name);
    }
    if (!watchDirWatcher && projects.length) {
      try {
        watchDirWatcher = watch(options.watchDir, { persistent: false }, () => {
          watchedChanged = true;
          poke();
        });
      } catch {
        // polled
      }
    }
  };
  let watchedChanged = true;

  const restore = async (root: Root, folder: RunFolder, follower: RunFollower) => {
    const run = await deps.db.prisma.run.findUnique({
      where: { projectId_clientId: { projectId: root.principal.projectId, clientId: folderClientId(folder.dir) } },
      select: { id: true, status: true, stepsPerEpoch: true, logFiles: true, logFolder: { select: { describedAs: true } } },
    });
    if (run) follower.restore(run.id, run.logFiles as StoredFile[], run.stepsPerEpoch, run.logFolder?.describedAs ?? '', run.status);
  };

  const discover = async (root: Root) => {
    root.discoveredAt = Date.now();
    for (const folder of await discoverRuns(root.dir)) {
      const known = root.followers.get(folder.dir);
      if (known) {
        known.folder.files = folder.files;
        continue;
      }
      const follower = new RunFollower(folder, root.ctx);
      await restore(root, folder, follower);
      root.followers.set(folder.dir, follower);
    }
  };

  const syncOne = async (root: Root, follower: RunFollower) => {
    const first = follower.modifiedMs === 0;
    try {
      await follower.sync();
    } catch (err) {
      log(`lrscope: --logdir ${follower.folder.dir}: ${(err as Error).message}`);
      return;
    }
    // A folder of runs that ended long ago is history, not a flock of stalled runs.
    if (first && follower.runId !== undefined && !follower.finished && Date.now() - follower.modifiedMs > options.finishedAfterMs) {
      await finishRun(deps.db, root.principal, follower.runId, 'finished');
      follower.finished = true;
    }
  };

  const tick = async (full: boolean) => {
    if (full || watchedChanged) {
      watchedChanged = false;
      await followWatched();
    }
    for (const root of roots) {
      // New folders: looked for at every poll, and (at most once a second) when a change is reported outside the known runs.
      const unknown = [...root.dirty].some((rel) => !root.followers.has(path.join(root.dir, rel)));
      if (root.dirty.has('*') || full || (unknown && Date.now() - root.discoveredAt > 1000)) await discover(root);
      const dirty = new Set(root.dirty);
      root.dirty.clear();
      for (const follower of root.followers.values()) {
        if (stopped) return;
        if (full || follower.waiting || dirty.has(follower.folder.rel) || dirty.has('*')) await syncOne(root, follower);
      }
    }
  };

  const loop = async () => {
    let lastFull = 0;
    let first = true;
    while (!stopped) {
      const now = Date.now();
      const pollMs = Math.min(options.pollMs, ...roots.map((r) => (r.watcher ? options.pollMs : options.fallbackPollMs)));
      const full = first || now - lastFull >= pollMs;
      if (full) lastFull = now;
      busy = true;
      await tick(full);
      first = false;
      const waiting = roots.some((r) => r.dirty.size > 0 || [...r.followers.values()].some((f) => f.waiting));
      busy = waiting;
      if (!busy) for (const w of settledWaiters.splice(0)) w();
      if (stopped) break;
      // Sleep until a change is reported, the next poll, or a held-back step's quiet period ends.
      const delay = roots.some((r) => [...r.followers.values()].some((f) => f.waiting)) ? Math.min(options.idleMs, pollMs) : pollMs - (Date.now() - lastFull);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(20, delay));
        wake = () => {
          clearTimeout(timer);
          // Writers append in bursts: gather a burst's events into one read.
          setTimeout(resolve, 25);
        };
      });
      wake = undefined;
    }
  };
  const running = loop().catch((err) => log(`lrscope: log-directory mode stopped: ${(err as Error).stack ?? err}`));

  return {
    async stop() {
      stopped = true;
      for (const r of roots) r.watcher?.close();
      watchDirWatcher?.close();
      poke();
      await running;
    },
    settled() {
      return busy ? new Promise<void>((resolve) => settledWaiters.push(resolve)) : Promise.resolve();
    },
  };
}
