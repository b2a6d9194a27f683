// scripts/test-setup.sh is what stands between a newcomer's `npm test` and a wall of failing
// tests. These run it against stand-ins: a fake apt-get that records what it was asked, a fake
// `id` to play a non-root user, a Python without torch, a PostgreSQL that is not there.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PG_UP = process.env.LRSCOPE_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PG_DOWN = 'postgresql://postgres@127.0.0.1:1/test';

interface Machine {
  /** Commands on PATH besides the basics; each is a shell script body. */
  fakes?: Record<string, string>;
  chromium?: boolean;
  torch?: boolean;
  pg?: string;
}

function run(machine: Machine) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-setup-'));
  const bin = path.join(dir, 'bin');
  spawnSync('mkdir', [bin]);
  // Only the basics the script uses, so a missing apt-get or sudo is really missing.
  for (const tool of ['bash', 'env', 'ls', 'head', 'seq', 'sleep', 'dirname', 'id', 'pg_isready', 'cat']) {
    const real = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (real && !machine.fakes?.[tool]) symlinkSync(real, path.join(bin, tool));
  }
  const log = path.join(dir, 'calls.log');
  for (const [name, body] of Object.entries(machine.fakes ?? {})) {
    writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const python = path.join(dir, 'python');
  // A stand-in interpreter: "import torch" works or not; fixture scripts are recorded, not run.
  writeFileSync(python, `#!/bin/bash\necho "python $*" >> ${log}\ncase "$*" in *"import torch; print"*) echo 1.13.1;; *"import torch"*) exit ${machine.torch ? 0 : 1};; esac\nexit 0\n`);
  chmodSync(python, 0o755);
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/test-setup.sh')], {
    encoding: 'utf8',
    env: { PATH: bin, HOME: dir, LRSCOPE_CHROMIUM: machine.chromium ? '/bin/true' : path.join(dir, 'no-chromium'), LRSCOPE_TEST_PYTHON: python, LRSCOPE_TEST_PG: machine.pg ?? PG_UP, NODE_ENV: 'test' },
  });
  return { status: r.status, out: r.stdout + r.stderr, calls: existsSync(log) ? readFileSync(log, 'utf8') : '' };
}

const root = 'case "$1" in -u) echo 0;; *) echo uid=0;; esac';
const user = 'case "$1" in -u) echo 1000;; *) echo uid=1000;; esac';

describe('the test set-up (scripts/test-setup.sh)', () => {
  it('installs what is missing from Debian, saying what and why, then regenerates fixtures with torch', () => {
    const r = run({ fakes: { id: root, 'apt-get': 'exit 0' } });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/Chromium is missing: the browser tests/);
    expect(r.out).toMatch(/PyTorch is missing: the Python tests/);
    expect(r.out).toMatch(/installing chromium python3-torch from Debian/);
    expect(r.calls).toMatch(/^apt-get update -qq$/m);
    expect(r.calls).toMatch(/^apt-get install -y -qq chromium python3-torch$/m);
    expect(r.calls).toMatch(/^python test\/fixtures\/failure-modes\/generate\.py$/m);
    expect(r.out).toMatch(/regenerating test\/fixtures\/schedules with torch 1\.13\.1/);
  });

  it('installs nothing when everything is there', () => {
    const r = run({ fakes: { id: root, 'apt-get': 'exit 0' }, chromium: true, torch: true });
    expect(r.status).toBe(0);
    expect(r.calls).not.toMatch(/apt-get/);
    expect(r.out).not.toMatch(/missing/);
  });

  it('names the missing package and the command to run when it is not root', () => {
    const r = run({ fakes: { id: user, 'apt-get': 'exit 0' }, torch: true });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/cannot install chromium: installing needs root \(run: sudo apt-get install -y chromium\)/);
    expect(r.out).toMatch(/npm run test:unit/);
    expect(r.calls).not.toMatch(/apt-get install/);
    expect(r.calls).not.toMatch(/generate\.py/);
  });

  it('says so when there is no apt-get', () => {
    const r = run({ fakes: { id: root }, chromium: true });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/cannot install python3-torch: this is not a Debian\/Ubuntu machine \(no apt-get\)/);
  });

  it('reports an apt-get failure instead of going on to the tests', () => {
    const r = run({ fakes: { id: root, 'apt-get': 'case "$1" in install) exit 100;; esac' } });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/apt-get could not install chromium python3-torch/);
  });

  it('names the database it could not reach', () => {
    const r = run({ fakes: { id: root }, chromium: true, torch: true, pg: PG_DOWN });
    expect(r.status).toBe(1);
    expect(r.out).toContain(`no PostgreSQL answers at ${PG_DOWN}`);
    expect(r.out).toMatch(/LRSCOPE_TEST_PG/);
  });
});
