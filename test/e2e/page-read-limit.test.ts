// Pages are rendered with their first view's data read from the database in process, so a page
// request is a read: counted against the client's read allowance like an API read. Static
// assets read nothing and are not counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http';
import { startServer, type TestServer } from '../helpers/server';

describe('page requests and the read rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ args: [], env: { LRSCOPE_READ_RATE_LIMIT_RPS: '2' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a burst of page loads from one address is refused with 429 and Retry-After once its allowance is spent', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => rawRequest(server.url, '/alerts', { timeoutMs: 30_000 })));
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited[0].json().error.message).toMatch(/LRSCOPE_READ_RATE_LIMIT_RPS/);
  });

  it('static assets are not counted', async () => {
    // The allowance refills at 2 a second.
    await new Promise((r) => setTimeout(r, 1_500));
    const page = await rawRequest(server.url, '/', { timeoutMs: 30_000 });
    expect(page.status).toBe(200);
    const script = /\/_next\/static\/[^"']+\.js/.exec(page.text)?.[0];
    expect(script, 'the page links its scripts').toBeTruthy();
    // The page itself spent what was left; its scripts still load.
    const replies = await Promise.all(Array.from({ length: 30 }, () => rawRequest(server.url, script!, { timeoutMs: 30_000 })));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  });
});
