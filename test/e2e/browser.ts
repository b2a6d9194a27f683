// Headless Chromium (Debian's package) through playwright-core, for the browser tests and the
// live benchmark. Never downloads a browser.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT, startServer, type TestServer } from '../helpers/server';

export const ARTIFACTS = path.join(ROOT, 'test/artifacts');
/**
 * Screenshots the README shows: taken from the real app by these tests and committed. They show
 * dates, so they are rewritten only on purpose (LRSCOPE_README_SHOTS=1 npm test), not by every
 * test run.
 */
export const README_SHOTS = path.join(ROOT, 'public/readme');

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.LRSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', ...extraArgs],
  });
}

export async function screenshot(page: Page, name: string, opts: { readme?: boolean; fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  if (opts.readme && process.env.LRSCOPE_README_SHOTS === '1') {
    mkdirSync(README_SHOTS, { recursive: true });
    copyFileSync(file, path.join(README_SHOTS, `${name}.png`));
  }
  return file;
}

export interface Pages {
  server: TestServer;
  browser: Browser;
  page: Page;
}

/** A server with pages and a 1280×900 browser page on it; uncaught page errors go to `errors`. */
export async function openPages(errors: string[], env: Record<string, string> = {}): Promise<Pages> {
  const [server, browser] = await Promise.all([startServer({ args: [], env }), launchBrowser()]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  return { server, browser, page };
}

export async function closePages(pages: Partial<Pages>): Promise<void> {
  await pages.browser?.close();
  await pages.server?.stop();
}
