// Tests that serve pages need `next build` output. Built once, and only when the sources changed
// since the last build; a lock keeps two test workers (or projects) from building at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

const SOURCES = ['src/app', 'src/components', 'src/trpc', 'src/lib', 'public', 'next.config.js', 'package.json'];
const LOCK = path.join(ROOT, '.next-build.lock');

function newest(p: string): number {
  const full = path.join(ROOT, p);
  if (!existsSync(full)) return 0;
  const st = statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(full).reduce((m, name) => Math.max(m, newest(path.join(p, name))), st.mtimeMs);
}

function upToDate(): boolean {
  const buildId = path.join(ROOT, '.next/BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  return built > Math.max(...SOURCES.map(newest));
}

export async function ensureNextBuild(): Promise<void> {
  if (upToDate()) return;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another worker is building; a lock older than 10 minutes is left over from a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for another next build (${LOCK})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (upToDate()) return;
    console.log('building the pages (next build)…');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
