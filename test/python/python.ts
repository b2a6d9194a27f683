// Running the Python client from the tests: Debian's /usr/bin/python3 (with python3-torch), the
// package from this checkout on PYTHONPATH, a key created with the CLI like a user would.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/server';

export const PYTHON = process.env.LRSCOPE_TEST_PYTHON ?? '/usr/bin/python3';
export const TRAIN = path.join(ROOT, 'test/python/train.py');

export function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** `lrscope keys create --project NAME` on the server's database; returns the key. */
export function createKey(databaseUrl: string, project: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'create', '--project', project], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`keys create failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

export interface PythonRun {
  child: ChildProcess;
  /** Each JSON line the script printed, as it arrives. */
  lines: any[];
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number>;
  /** Resolves with the first printed JSON line that matches. */
  waitFor(match: (line: any) => boolean, timeoutMs?: number): Promise<any>;
}

const spoolDirs: string[] = [];

/** A fresh spool directory, removed by removeSpoolDirs(). */
export function spoolDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-spool-'));
  spoolDirs.push(dir);
  return dir;
}

export function removeSpoolDirs(): void {
  for (const dir of spoolDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function clientEnv(url: string, key: string, spool = spoolDir()): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: path.join(ROOT, 'clients/python'),
    LRSCOPE_URL: url,
    LRSCOPE_API_KEY: key,
    LRSCOPE_SPOOL_DIR: spool,
    PYTHONUNBUFFERED: '1',
  };
}

export function runPython(args: string[], env: NodeJS.ProcessEnv): PythonRun {
  const child = spawn(PYTHON, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: any[] = [];
  let err = '';
  let buf = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line));
      for (const w of waiters.splice(0)) w();
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    async waitFor(match, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(match);
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(`python exited (${child.exitCode}) before printing the line:\n${err}`);
        if (Date.now() > deadline) throw new Error(`no matching line from python in ${timeoutMs} ms:\n${err}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
  };
}

/** Runs a train.py case to the end; fails with the script's stderr if it does not exit 0. */
export async function train(testCase: string, env: NodeJS.ProcessEnv): Promise<any[]> {
  const p = runPython([TRAIN, testCase], env);
  const code = await p.exited;
  if (code !== 0) throw new Error(`train.py ${testCase} exited ${code}:\n${p.stderr()}`);
  return p.lines;
}
