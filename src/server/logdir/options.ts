// Log-directory mode's settings: `--logdir DIR` (repeatable; also LRSCOPE_LOGDIR, several joined
// by ":"), `--project NAME`, LRSCOPE_LOGDIR_POLL_SECONDS for file systems that do not report
// changes (NFS, SMB, FUSE mounts), where the directories are polled, and LRSCOPE_WATCH_DIR.
import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Env } from '../config';
import { DEFAULT_LOGDIR, type LogdirOptions } from './logdir-service';

const PROJECT = /^[A-Za-z0-9_.-]{1,100}$/;

/** The values of a repeatable `--flag VALUE` / `--flag=VALUE`. */
function flagValues(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new ConfigError([`${flag}: needs a value`]);
      out.push(v);
      i++;
    } else if (argv[i].startsWith(`${flag}=`)) out.push(argv[i].slice(flag.length + 1));
  }
  return out;
}

/** Log directories to follow (possibly none), and where files shipped by `python -m lrscope watch` go (LRSCOPE_WATCH_DIR). */
export function logdirOptions(argv: string[], env: Env, cwd = process.cwd()): LogdirOptions {
  const given = [...flagValues(argv, '--logdir'), ...(env.LRSCOPE_LOGDIR ?? '').split(path.delimiter).filter(Boolean)];
  const projects = flagValues(argv, '--project');
  const problems: string[] = [];
  const dirs = [...new Set(given.map((d) => path.resolve(cwd, d)))];
  for (const dir of dirs) {
    let ok = false;
    try {
      ok = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!ok) problems.push(`--logdir ${dir}: no such directory`);
  }
  if (projects.length > 1) problems.push('--project: give it once');
  const project = projects[0];
  if (project !== undefined && !PROJECT.test(project)) problems.push(`--project ${project}: may use letters, digits and _ . - (at most 100)`);
  if (project !== undefined && dirs.length === 0) problems.push('--project: only with --logdir (or LRSCOPE_LOGDIR)');
  const poll = env.LRSCOPE_LOGDIR_POLL_SECONDS;
  const pollSeconds = poll === undefined || poll === '' ? 2 : Number(poll);
  if (!(pollSeconds > 0 && pollSeconds <= 3600)) problems.push(`LRSCOPE_LOGDIR_POLL_SECONDS: must be a number of seconds in (0, 3600], got "${poll}"`);
  if (problems.length) throw new ConfigError(problems);
  const watchDir = env.LRSCOPE_WATCH_DIR ? path.resolve(cwd, env.LRSCOPE_WATCH_DIR) : undefined;
  return { ...DEFAULT_LOGDIR, dirs, project, watchDir, pollMs: Math.max(DEFAULT_LOGDIR.pollMs, pollSeconds * 1000), fallbackPollMs: pollSeconds * 1000 };
}
