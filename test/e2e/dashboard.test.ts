// The dashboard in headless Chromium against the real production server: a first-time user's
// empty state, the runs table and a run page growing live as points are posted, a flagged run's
// verdict in words, and the compare page with three runs. Screenshots go to test/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { closePages, openPages, screenshot } from './browser';
import { COQUI_SCHEDULE, coquiPoints, createRun, logPoints, MULTISTEP, multistepPoints } from './seed';

let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
});

afterAll(() => closePages({ server, browser }));

const text = (testId: string) => page.getByTestId(testId).first().textContent();

describe('dashboard', () => {
  it('shows a first-time user how to send a run, then the run as it arrives, without a reload', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('first-run').waitFor();
    expect(await page.locator('pre').textContent()).toContain(`export LRSCOPE_URL=${server.url}`);
    await page.getByRole('button', { name: 'Python' }).click();
    expect(await page.locator('pre').textContent()).toContain('lrscope.torch.watch(optimizer, scheduler)');
    expect(await page.locator('pre').textContent()).toContain(`export LRSCOPE_URL=${server.url}`);
    await screenshot(page, 'runs-empty');

    const id = await createRun(server.url, server.apiKey, { name: 'first-live-run', schedule: MULTISTEP, stepsPerEpoch: 100 });
    await page.getByTestId(`run-row-${id}`).waitFor({ timeout: 10_000 });
    await logPoints(server.url, server.apiKey, id, multistepPoints(0, 500, 100));
    await expect.poll(() => page.getByTestId(`run-row-${id}`).getByTestId('last-step').textContent(), { timeout: 10_000 }).toBe('490');
    expect(await page.getByTestId(`run-row-${id}`).getByTestId('verdict-badge').textContent()).toBe('OK');
  });

  it('grows a run page live: the chart and the badge change as points are posted', async () => {
    const id = await createRun(server.url, server.apiKey, { name: 'xtts-live', schedule: COQUI_SCHEDULE, config: { scheduler_after_epoch: true } });
    await logPoints(server.url, server.apiKey, id, coquiPoints(0, 6000));
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByTestId('lr-chart').waitFor();
    await expect.poll(() => text('lr-last-step')).toBe('5990');
    const before = Number(await page.getByTestId('lr-chart').getAttribute('data-points'));
    expect(await text('verdict-badge')).toBe('OK');

    await logPoints(server.url, server.apiKey, id, coquiPoints(6000, 8000));
    await expect.poll(() => text('lr-last-step'), { timeout: 5000 }).toBe('7990');
    expect(Number(await page.getByTestId('lr-chart').getAttribute('data-points'))).toBeGreaterThan(before);
    expect(await text('stat-last-step')).toBe('7,990');

    // Past step 10,000 the schedule drops to 4e-4 but the LR stays at 5e-4: flagged, live.
    await logPoints(server.url, server.apiKey, id, coquiPoints(8000, 12_000));
    await expect.poll(() => text('lr-last-step'), { timeout: 5000 }).toBe('11990');
    await expect.poll(() => text('verdict-badge'), { timeout: 10_000 }).toMatch(/^Flagged/);
    await screenshot(page, 'run-live');
    expect(errors).toEqual([]);
  });

  it('says what is wrong with a flagged run, since when, the likely cause and the fix', async () => {
    const id = await createRun(server.url, server.apiKey, { name: 'xtts-coqui-stepwise', schedule: COQUI_SCHEDULE, tags: ['tts'], config: { scheduler_after_epoch: true } });
    await logPoints(server.url, server.apiKey, id, coquiPoints(0, 14_000));
    await page.goto(`${server.url}/runs/${id}`);
    await page.getByTestId('verdict-panel').waitFor();
    await expect.poll(() => text('verdict-badge')).toMatch(/^Flagged/);
    expect(await text('verdict-headline')).toBe('The LR is stuck at 5e-4.');
    expect(await text('verdict-since')).toBe('Since step 10,000: the schedule asks for 4e-4, the run uses 5e-4.');
    const panel = (await text('verdict-panel')) ?? '';
    expect(panel).toMatch(/stepped per epoch/i);
    expect(panel).toContain('scheduler_after_epoch=False');
    await page.getByTestId('lr-chart').waitFor();
    await screenshot(page, 'run-flagged', { readme: true });
    await page.setViewportSize({ width: 420, height: 900 });
    // Nothing may push the page wider than a narrow window (charts must shrink with it).
    await expect
      .poll(() => page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 421).map((e) => `${e.tagName}.${e.className}`).slice(0, 5)))
      .toEqual([]);
    await screenshot(page, 'run-flagged-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('zooms by dragging: the visible range is fetched again from the server, at full detail', async () => {
    const id = await createRun(server.url, server.apiKey, { name: 'zoom-me', schedule: COQUI_SCHEDULE });
    await logPoints(server.url, server.apiKey, id, coquiPoints(0, 40_000, 1));
    await page.goto(`${server.url}/runs/${id}`);
    const chart = page.getByTestId('lr-chart');
    await chart.waitFor();
    await expect.poll(() => text('stat-last-step')).toBe('39,999');
    const ranged = page.waitForRequest((r) => r.url().includes('runs.series') && decodeURIComponent(r.url()).includes('"fromStep"'));
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const req = await ranged;
    const input = JSON.parse(decodeURIComponent(req.url()).match(/"fromStep":(\d+),"toStep":(\d+)/)!.slice(1).join(',').replace(/^/, '[').concat(']'));
    expect(input[1] - input[0]).toBeLessThan(10_000);
    await expect.poll(() => page.getByTestId('reset-zoom').isEnabled()).toBe(true);
    await page.getByTestId('reset-zoom').click();
    await expect.poll(() => page.getByTestId('reset-zoom').isEnabled()).toBe(false);
  });

  it('compares three runs with their verdicts, and keeps the choice in the URL', async () => {
    const ids = [];
    for (const [name, seed] of [['resnet-a', 1], ['resnet-b', 1.3], ['resnet-c', 0.8]] as const) {
      const id = await createRun(server.url, server.apiKey, { name, schedule: MULTISTEP, stepsPerEpoch: 500 });
      await logPoints(server.url, server.apiKey, id, multistepPoints(0, 12_000, 500, 10, seed));
      ids.push(id);
    }
    await page.goto(`${server.url}/compare?runs=${ids.join(',')}`);
    await page.getByTestId('compare-lr-chart').waitFor();
    for (const id of ids) expect(await page.getByTestId(`compare-run-${id}`).getByTestId('verdict-badge').textContent()).toBe('OK');
    expect(Number(await page.getByTestId('compare-lr-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('compare-loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Epoch' }).click();
    await expect.poll(() => page.url()).toContain('x=epoch');
    await screenshot(page, 'compare');
  });

  it('lists runs with filters, links each to its page, and selects runs for compare', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('runs-table').waitFor();
    await screenshot(page, 'runs', { readme: true });
    await page.getByLabel('Verdict').selectOption('1');
    // xtts-live, xtts-coqui-stepwise and zoom-me are flagged; the rest are not.
    await expect.poll(() => page.locator('[data-testid^="run-row-"]').count()).toBe(3);
    expect(await page.locator('[data-testid^="run-row-"] [data-testid="verdict-badge"]').allTextContents()).toEqual(['Flagged: stepped per epoch', 'Flagged: stepped per epoch', 'Flagged: stepped per epoch']);
    await page.getByRole('link', { name: 'xtts-coqui-stepwise' }).click();
    await page.getByTestId('verdict-panel').waitFor();
    expect(page.url()).toMatch(/\/runs\/\d+$/);
    await page.goBack();
    await page.getByLabel('Verdict').selectOption('');
    await page.getByLabel('Select resnet-a for compare').check();
    await page.getByLabel('Select resnet-b for compare').check();
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-lr-chart').waitFor();
    expect(page.url()).toMatch(/\/compare\?runs=\d+,\d+$/);
    await page.setViewportSize({ width: 420, height: 900 });
    await page.goto(`${server.url}/`);
    await page.getByTestId('runs-table').waitFor();
    await screenshot(page, 'runs-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows alerts with links to the run and step', async () => {
    await page.goto(`${server.url}/alerts`);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.waitForSelector('[data-testid="alerts-table"], .state');
    await screenshot(page, 'alerts');
    expect(errors).toEqual([]);
  });
});

