// --logdir / LRSCOPE_LOGDIR / --project / LRSCOPE_LOGDIR_POLL_SECONDS / LRSCOPE_WATCH_DIR, and how
// run folders are found (TensorBoard's way) and named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@/server/config';
import { discoverRuns } from '@/server/logdir/discover';
import { folderRunName } from '@/server/logdir/logdir-context';
import { projectNameOf } from '@/server/logdir/logdir-service';
import { logdirOptions } from '@/server/logdir/options';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lrscope-logdir-opts-'));

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('log-directory options', () => {
  it('takes --logdir several times, --logdir=DIR, and LRSCOPE_LOGDIR joined by ":", once each', () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const o = logdirOptions(['--dev', '--logdir', a, `--logdir=${b}`, '--project', 'tts'], { LRSCOPE_LOGDIR: `${c}:${a}` });
    expect(o).toMatchObject({ dirs: [a, b, c], project: 'tts', fallbackPollMs: 2000, pollMs: 10_000, idleMs: 2000 });
    expect(logdirOptions([], {})).toMatchObject({ dirs: [], project: undefined, watchDir: undefined });
    expect(logdirOptions([], { LRSCOPE_LOGDIR_POLL_SECONDS: '0.5', LRSCOPE_WATCH_DIR: 'w' }, '/srv')).toMatchObject({ fallbackPollMs: 500, watchDir: '/srv/w' });
  });

  it('names every problem: a missing directory, a bad project, a bad poll period', () => {
    expect(problems(() => logdirOptions(['--logdir', '/no/such/dir', '--project', 'a b'], { LRSCOPE_LOGDIR_POLL_SECONDS: '0' }))).toEqual([
      '--logdir /no/such/dir: no such directory',
      '--project a b: may use letters, digits and _ . - (at most 100)',
      'LRSCOPE_LOGDIR_POLL_SECONDS: must be a number of seconds in (0, 3600], got "0"',
    ]);
    expect(problems(() => logdirOptions(['--logdir'], {}))).toEqual(['--logdir: needs a value']);
    expect(problems(() => logdirOptions(['--project', 'x'], {}))).toEqual(['--project: only with --logdir (or LRSCOPE_LOGDIR)']);
  });

  it('names the project after the directory, in the characters a project name allows', () => {
    expect(projectNameOf('/data/TTS output/')).toBe('TTS-output');
    expect(projectNameOf('/')).toBe('logdir');
  });
});

describe('run folders', () => {
  it('are the folders holding a log file, named by their path inside the directory; checkpoints and hidden folders are skipped', async () => {
    const root = tmp();
    const file = (rel: string, text = 'x') => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    file('events.out.tfevents.1.host');
    file('coqui/run-1/events.out.tfevents.2.host');
    file('coqui/run-1/config.json');
    file('lightning_logs/version_0/metrics.csv');
    file('hf/out/trainer_state.json');
    file('hf/out/runs/Dec07/events.out.tfevents.3.host');
    file('hf/out/checkpoint-500/trainer_state.json');
    file('solo/trainer_state.json');
    file('.cache/events.out.tfevents.4.host');
    file('notes/readme.txt');
    const runs = await discoverRuns(root);
    expect(runs.map((r) => [r.rel, [...r.files.entries()]])).toEqual([
      ['.', [['events.out.tfevents.1.host', 'events']]],
      ['coqui/run-1', [['events.out.tfevents.2.host', 'events']]],
      ['hf/out/runs/Dec07', [['events.out.tfevents.3.host', 'events']]],
      ['lightning_logs/version_0', [['metrics.csv', 'csv']]],
      ['solo', [['trainer_state.json', 'json']]],
    ]);
    expect(folderRunName('/data/output', runs[0])).toBe('output');
    expect(folderRunName('/data/output', runs[1])).toBe('coqui/run-1');
  });
});
