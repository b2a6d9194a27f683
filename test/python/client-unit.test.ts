// The Python client's own unit tests (clients/python/tests: batching, retries, spool, schedules,
// watch with real torch), run with Debian's python3 as part of `npm test`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/server';

it('python3 -m unittest discover clients/python/tests passes', () => {
  const dir = path.join(ROOT, 'clients/python');
  const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  expect(r.status, out.slice(-4000)).toBe(0);
  const ran = Number(/Ran (\d+) tests?/.exec(out)?.[1] ?? 0);
  expect(ran, 'tests found').toBeGreaterThanOrEqual(80);
  expect(out).toMatch(/\nOK\b/);
  console.log(`python client: ${ran} unit tests passed`);
});
