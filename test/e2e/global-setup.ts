// Browser tests run against the production server, which serves `next build` output. Build once
// per test run, and only when the sources changed since the last build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/server';

const SOURCES = ['src/app', 'src/components', 'src/trpc', 'src/lib', 'public', 'next.config.js', 'package.json'];

function newest(p: string): number {
  const full = path.join(ROOT, p);
  if (!existsSync(full)) return 0;
  const st = statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(full).reduce((m, name) => Math.max(m, newest(path.join(p, name))), st.mtimeMs);
}

export default function setup() {
  const buildId = path.join(ROOT, '.next/BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newest))) return;
  console.log('e2e: building the pages (next build)…');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}
