// Managing runs in headless Chromium against the real server: rename, notes in Markdown, tags,
// the CSV and PNG downloads, archive (and the table's archived filter), delete with a
// confirmation that names the run and its points; a second tab follows every change live.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectKey } from '../helpers/project-key';
import type { TestServer } from '../helpers/server';
import { closePages, openPages, screenshot } from './browser';
import { createRun, logPoints, MULTISTEP, multistepPoints } from './seed';

let server: TestServer;
let browser: Browser;
let page: Page;
let table: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
  table = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  table.on('pageerror', (e) => errors.push(e.message));
});
afterAll(() => closePages({ server, browser }));

async function seededRun(name: string): Promise<number> {
  const id = await createRun(server.url, server.apiKey, { name, schedule: MULTISTEP, stepsPerEpoch: 100, tags: ['first'] });
  await logPoints(server.url, server.apiKey, id, multistepPoints(0, 3000, 100, 10));
  return id;
}

describe('managing runs in the browser', () => {
  it('renames a run, writes its notes in Markdown and edits its tags; another tab follows live', async () => {
    const id = await seededRun('bs64-try');
    await table.goto(`${server.url}/`);
    await table.getByTestId(`run-row-${id}`).waitFor();
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByTestId('run-manage').waitFor();

    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('Run name').fill('bs64 warmup fixed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('run-name').textContent()).toBe('bs64 warmup fixed');
    await expect.poll(() => table.getByTestId(`run-row-${id}`).locator('td.name a').textContent(), { timeout: 10_000 }).toBe('bs64 warmup fixed');

    await page.getByRole('button', { name: 'Add notes' }).click();
    await page.getByRole('textbox', { name: /^Notes/ }).fill('# Why\nWarmup was **off**, see [the paper](https://arxiv.org/abs/1706.02677).\n\n- try `lr=0.1`\n- <img src=x onerror="window.hacked=1">');
    await page.getByRole('button', { name: 'Save' }).click();
    const notes = page.getByTestId('run-notes');
    await notes.locator('h3', { hasText: 'Why' }).waitFor();
    expect(await notes.locator('strong').textContent()).toBe('off');
    expect(await notes.locator('a').getAttribute('href')).toBe('https://arxiv.org/abs/1706.02677');
    expect(await notes.locator('li code').textContent()).toBe('lr=0.1');
    expect(await notes.locator('img').count(), 'raw HTML is text').toBe(0);
    expect(await notes.textContent()).toContain('<img src=x');
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();

    await page.getByRole('button', { name: 'Edit tags' }).click();
    await page.getByLabel('Tags, separated by commas').fill('warmup, sweep-3');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => table.getByTestId(`run-row-${id}`).locator('.tag').allTextContents(), { timeout: 10_000 }).toEqual(['sweep-3', 'warmup']);
    await screenshot(page, 'run-manage');
    expect(errors).toEqual([]);
  });

  it('downloads the points as CSV (every point) and a chart as PNG', async () => {
    const id = await seededRun('exported');
    await page.goto(`${server.url}/runs/${id}`);
    const link = page.getByRole('link', { name: /CSV/ });
    expect(await link.textContent()).toBe('Download points as CSV');
    const [csv] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(csv.suggestedFilename()).toBe(`run-${id}-exported.csv`);
    const lines = readFileSync((await csv.path())!, 'utf8').split('\r\n').slice(0, -1);
    expect(lines[0]).toBe('step,epoch,time,lr,expected_lr,loss,accuracy');
    expect(lines[1].split(',').slice(0, 5)).toEqual(['0', '0', '1764000000', '0.1', '0.1']);
    expect(lines).toHaveLength(301);

    await page.getByTestId('lr-chart').waitFor();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the learning rate chart as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe(`run-${id}-lr.png`);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');

    await table.goto(`${server.url}/?q=exported`);
    await table.getByTestId(`run-row-${id}`).waitFor();
    const [runsCsv] = await Promise.all([table.waitForEvent('download'), table.getByTestId('runs-csv').click()]);
    const rows = readFileSync((await runsCsv.path())!, 'utf8').split('\r\n').slice(1, -1);
    expect(rows.map((r) => r.split(',').slice(0, 2))).toEqual([[String(id), 'exported']]);
  });

  it('archives a run: gone from the table, shown by the archived filter, and back', async () => {
    const id = await seededRun('archive-me');
    await table.goto(`${server.url}/`);
    await table.getByTestId(`run-row-${id}`).waitFor();
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByTestId('archived-badge').waitFor();
    await table.getByTestId(`run-row-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
    await table.getByLabel('Archived').selectOption('only');
    await table.getByTestId(`run-row-${id}`).waitFor();
    expect(table.url()).toContain('archived=only');
    await page.getByRole('button', { name: 'Unarchive' }).click();
    await page.getByTestId('archived-badge').waitFor({ state: 'detached' });
    await table.getByTestId(`run-row-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('deletes a run after a confirmation naming it and its points', async () => {
    const id = await seededRun('delete-me');
    await table.goto(`${server.url}/`);
    await table.getByTestId(`run-row-${id}`).waitFor();
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('Run “delete-me” and its 300 points');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await screenshot(page, 'run-delete-confirm');
    await page.getByRole('button', { name: 'Delete “delete-me”' }).click();
    await page.waitForURL(`${server.url}/`);
    await table.getByTestId(`run-row-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
    expect((await fetch(`${server.url}/api/trpc/runs.get?input=${encodeURIComponent(JSON.stringify({ id }))}`)).status).toBe(404);
  });

  it('archives and deletes the runs selected in the table', async () => {
    const a = await seededRun('bulk-a');
    const b = await seededRun('bulk-b');
    await table.goto(`${server.url}/?q=bulk-`);
    for (const id of [a, b]) await table.getByLabel(`Select bulk-${id === a ? 'a' : 'b'} for compare`).check();
    await table.getByRole('button', { name: 'Delete 2…' }).click();
    expect(await table.getByTestId('bulk-delete-confirm').textContent()).toContain('Delete 2 runs and 600 points?');
    await table.getByRole('button', { name: 'Delete 2 runs' }).click();
    for (const id of [a, b]) await table.getByTestId(`run-row-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('compares two runs: any metric overlaid, the config keys that differ, and where the schedules part', async () => {
    const long = 'x'.repeat(120);
    const spec = (milestones: number[]) => ({ name: 'MultiStepLR', params: { milestones, gamma: 0.5 }, interval: 'step', baseLr: 0.1 });
    const a = await createRun(server.url, server.apiKey, { name: 'cmp-a', schedule: spec([1000, 2000]), config: { lr: 0.1, batch_size: 64, optimizer: { name: 'SGD', momentum: 0.9 }, note: long } });
    const b = await createRun(server.url, server.apiKey, { name: 'cmp-b', schedule: spec([1000, 2500]), config: { lr: 0.1, batch_size: 128, optimizer: { name: 'SGD', momentum: 0.95 }, note: long } });
    for (const id of [a, b]) await logPoints(server.url, server.apiKey, id, multistepPoints(0, 3000, 100, 10));
    await page.goto(`${server.url}/compare?runs=${a},${b}`);
    const diff = page.getByTestId('config-diff');
    await diff.waitFor();
    expect(await diff.locator('tbody th').allTextContents()).toEqual(['batch_size', 'optimizer.momentum']);
    expect(await diff.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['64', '128']);
    // The schedule library loads with the section, after the charts: "Comparing the schedules…" first.
    await expect.poll(() => page.getByTestId('schedule-parting').textContent()).toBe('cmp-b parts from cmp-a at step 2,000: expected LR 0.05 against 0.025.');
    await page.getByTestId('compare-metric-chart').waitFor();
    expect(await page.getByLabel('Metric to compare').inputValue()).toBe('accuracy');
    await screenshot(page, 'compare-diff');
    expect(errors).toEqual([]);
  });

  it('cuts long config values in the diff and shows them whole on hover', async () => {
    const long = `/data/${'very-long-folder/'.repeat(8)}train.jsonl`;
    const a = await createRun(server.url, server.apiKey, { name: 'long-a', config: { data: long } });
    const b = await createRun(server.url, server.apiKey, { name: 'long-b', config: { data: `${long}.2` } });
    await page.goto(`${server.url}/compare?runs=${a},${b}`);
    const cell = page.getByTestId('config-diff').locator('tbody td').first();
    await cell.waitFor();
    expect(await cell.getAttribute('title')).toBe(long);
    expect(((await cell.textContent()) ?? '').length).toBe(40);
    expect((await cell.textContent())?.endsWith('…')).toBe(true);
  });

  it('switches projects from the nav: counts, the runs table scoped, remembered in the URL across pages', async () => {
    const key = projectKey(server, 'vision');
    const mine = await createRun(server.url, key, { name: 'vit-b16', project: 'vision' });
    const other = await seededRun('not-vision');
    await page.goto(`${server.url}/`);
    await page.getByTestId(`run-row-${other}`).waitFor();
    const switcher = page.getByTestId('project-switcher');
    expect(await switcher.locator('option', { hasText: 'vision' }).textContent()).toBe('vision · 1 run');
    await switcher.selectOption('vision');
    await page.waitForURL(/[?&]project=vision/);
    await page.getByTestId(`run-row-${mine}`).waitFor();
    await page.getByTestId(`run-row-${other}`).waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Alerts/ }).click();
    await page.waitForURL(/\/alerts\?project=vision/);
    expect(await page.getByTestId('project-switcher').inputValue()).toBe('vision');
    await page.getByTestId('project-switcher').selectOption('');
    await page.waitForURL((u) => !u.search.includes('project='));
  });

  it("shows and edits a project's retention policy on its settings", async () => {
    await page.goto(`${server.url}/alerts/settings?project=default`);
    const panel = page.getByTestId('retention');
    await panel.waitFor();
    expect(await page.getByTestId('retention-now').textContent()).toBe('Runs are kept until you archive or delete them.');
    await panel.getByLabel('Clean up finished runs').check();
    await panel.getByLabel('What to do with them').selectOption('delete');
    await panel.getByLabel('after (days)').fill('30');
    await panel.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => page.getByTestId('retention-now').textContent()).toBe('Finished runs are deleted 30 days after they end.');
    const res = await fetch(`${server.url}/api/trpc/projects.list`);
    expect((await res.json()).result.data.find((p: { name: string }) => p.name === 'default').retention).toEqual({ days: 30, action: 'delete' });
    await panel.getByLabel('Clean up finished runs').uncheck();
    await panel.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => page.getByTestId('retention-now').textContent()).toBe('Runs are kept until you archive or delete them.');
    expect(errors).toEqual([]);
  });
});
