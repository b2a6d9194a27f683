import { spawnSync } from 'node:child_process';
import { ROOT, type TestServer } from './server';

/** A project and its API key, made the way an operator does (`lrscope keys create`). */
export function projectKey(server: TestServer, project: string): string {
  const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', project], { cwd: ROOT, env: { ...process.env, DATABASE_URL: server.databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`keys create failed: ${r.stderr}`);
  return r.stdout.trim();
}
