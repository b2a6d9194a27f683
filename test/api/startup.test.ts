// Start-up as a user meets it: configuration errors, migrations, the first key, the keys CLI
// writing to the database the server uses.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, ROOT, type TestServer, startServer, tempDatabaseUrl } from '../helpers/server';
import { data, mutate } from '../helpers/trpc-http';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--api-only'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('start-up', () => {
  it('applies migrations and prints the default project key on the first start only', async () => {
    const fresh = await freshDatabase();
    const databaseUrl = fresh.url;
    const first = await startServer({ databaseUrl });
    servers.push(first);
    expect(first.output()).toMatch(/applied migration \d+_init/);
    expect(first.output()).toMatch(/created project "default" with API key lrs_/);
    await first.stop();
    servers.length = 0;
    const second = await startServer({ databaseUrl });
    servers.push(second);
    expect(second.output()).not.toMatch(/applied migration|API key/);
    expect(second.apiKey).toBe('');
    // The key printed by the first start still works.
    expect(data(await mutate(second.url, 'runs.create', { name: 'after-restart' }, first.apiKey))).toHaveProperty('id');
    await second.stop();
    servers.length = 0;
    await fresh.drop();
  });

  it('refuses a bad PORT with a message naming it', () => {
    const r = runMain({ PORT: 'eighty', DATABASE_URL: tempDatabaseUrl() });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT: must be an integer from 0 to 65535, got "eighty"');
  });

  it('refuses a DATABASE_URL that is neither file: nor postgresql://, hiding its password', () => {
    const r = runMain({ DATABASE_URL: 'mysql://root:secret@localhost/db' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL: must be a file: URL (SQLite');
    expect(r.stderr).not.toContain('secret');
  });

  it('lrscope keys create writes a key the running server accepts', async () => {
    const server = await startServer();
    servers.push(server);
    const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', 'vision'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: server.databaseUrl }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('created project "vision"');
    const key = r.stdout.trim();
    expect(key).toMatch(/^lrs_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    const { id } = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'v1', project: 'vision' }, key));
    expect(id).toBeGreaterThan(0);
  });

  it('lrscope keys create explains its usage on bad input (exit 2)', () => {
    const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--project NAME is required');
    const bad = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', 'has space'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--project: may use letters, digits and _ . -');
  });
});
