// The run page of a run read from a log directory (LRSCOPE_LOGDIR): its verdict, and the Source
// panel saying where the schedule came from, each file read and what could not be read.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type TestServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { closePages, openPages } from './browser';

const LIGHTNING = 'lightning/lightning_logs/version_0';
let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-e2e-logdir-'));
  cpSync(path.join(ROOT, 'test/fixtures/logdir', LIGHTNING), path.join(dir, LIGHTNING), { recursive: true });
  mkdirSync(path.join(dir, 'broken'));
  writeFileSync(path.join(dir, 'broken/events.out.tfevents.1.host'), 'not an event file at all\n'.repeat(3));
  ({ server, browser, page } = await openPages(errors, { LRSCOPE_LOGDIR: dir }));
});
afterAll(() => closePages({ server, browser }));

async function runId(name: string): Promise<number> {
  for (let i = 0; i < 150; i++) {
    const { runs } = data<{ runs: { id: number; name: string; pointCount: number }[] }>(await query(server.url, 'runs.list', { limit: 100 }));
    const r = runs.find((x) => x.name === name);
    if (r && (name === 'broken' || r.pointCount === 319)) return r.id;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`no run ${name}`);
}

describe('the run page of a log-directory run', () => {
  it('shows the verdict and where the points and the schedule come from', async () => {
    await page.goto(`${server.url}/runs/${await runId(LIGHTNING)}`);
    const panel = page.getByTestId('source-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('verdict-headline').textContent()).toBeTruthy();
    const text = (await panel.textContent())!;
    expect(text).toContain(`${LIGHTNING}`);
    expect(text).toContain('hparams.yaml (Lightning)');
    expect(text).toContain('Lightning steps the scheduler once per epoch');
    expect(text).toMatch(/metrics\.csv \(csv\)\s*(\d[\d.]* (B|KB)) of \1/);
    expect(await page.getByTestId('source-errors').textContent()).toBe('none');
    expect(await page.getByTestId('verdict-panel').textContent()).toMatch(/per epoch/);
    expect(errors).toEqual([]);
  });

  it('shows a file that could not be read, with the reason, on a run with no points', async () => {
    await page.goto(`${server.url}/runs/${await runId('broken')}`);
    await page.getByTestId('source-panel').waitFor();
    await expect.poll(() => page.getByTestId('source-errors').textContent(), { timeout: 10_000 }).toMatch(/^1: byte 0: the record length's CRC does not match/);
    expect((await page.getByTestId('source-panel').textContent())!).toContain('none found beside the logs');
    expect(errors).toEqual([]);
  });

  it('shows nothing of the kind for a run sent through the API', async () => {
    const { id } = data<{ id: number }>(
      await fetch(`${server.url}/api/trpc/runs.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` }, body: JSON.stringify({ name: 'api-run' }) }).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByTestId('verdict-panel').waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('source-panel').count()).toBe(0);
  });
});
