// U+0000 in strings: PostgreSQL's text and jsonb cannot hold it, so the API refuses it with a
// 400 naming the field on both databases (found by bad-input.test.ts, where PostgreSQL gave a
// 500 with Prisma internals). docs/architecture.md, "Reliability": bad input gets a clear 4xx, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer();
  key = server.apiKey;
});
afterAll(() => server?.stop());

const notServerError = (status: number) => status < 500;

describe('U+0000 in strings (PostgreSQL rejects NUL in text; SQLite stores it)', () => {
  it.each([
    ['runs.create name', 'runs.create', () => ({ name: 'a\u0000b' }), 'name'],
    ['runs.create tags', 'runs.create', () => ({ name: 'nul-tag', tags: ['t\u0000'] }), 'tags[0]'],
    ['runs.create config key/value', 'runs.create', () => ({ name: 'nul-config', config: { 'k\u0000': 'v\u0000' } }), 'config'],
  ])('%s: 400 naming the field, or accepted and round-tripped — never a 5xx', async (_label, proc, input, field) => {
    const r = await mutate(server.url, proc, input(), key);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).not.toBeGreaterThanOrEqual(500);
    if (r.status === 400) expect(r.body.error!.message).toContain(field);
    else expect(r.status).toBe(200);
  });

  it('runs.list search with U+0000: 200 (no match) or 400 naming search — never a 5xx', async () => {
    const r = await query(server.url, 'runs.list', { search: 'a\u0000' });
    expect(notServerError(r.status), JSON.stringify(r.body).slice(0, 300)).toBe(true);
  });

  it('a 5xx never leaks Prisma internals in its message', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'a\u0000b' }, key);
    expect(r.body.error?.message ?? '').not.toMatch(/prisma|invocation|Database error/i);
  });
});

