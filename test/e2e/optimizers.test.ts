// A run with several optimizers in headless Chromium against the production server: one LR chart
// (actual against its own schedule) and one verdict per optimizer, the run's verdict naming the
// optimizer that is off, and the per-optimizer series kept out of the metric charts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { closePages, openPages, screenshot } from './browser';
import { createRun, logPoints } from './seed';

let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
});

afterAll(() => closePages({ server, browser }));

const gen = { name: 'StepLR', params: { step_size: 1000, gamma: 0.5 }, interval: 'step', baseLr: 2e-4 };
const disc = { name: 'ExponentialLR', params: { gamma: 0.999 }, interval: 'step', baseLr: 1e-3 };

describe('a run with several optimizers', () => {
  it('shows each optimizer’s LR against its own schedule and its own verdict', async () => {
    const id = await createRun(server.url, server.apiKey, { name: 'gan-disc-stuck', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    const points = [];
    for (let step = 0; step < 3000; step += 10) {
      const g = 2e-4 * 0.5 ** Math.floor(step / 1000);
      // disc's scheduler is never stepped: its LR stays at its base.
      points.push({ step, lr: g, loss: 1 / (step + 1), optimizers: { gen: { lr: g }, disc: { lr: 1e-3 } } });
    }
    await logPoints(server.url, server.apiKey, id, points);
    await page.goto(`${server.url}/runs/${id}`);
    // gen is the first optimizer: its LR is the run's own, in the run's live LR chart.
    await page.getByTestId('lr-chart').waitFor();
    expect(await page.locator('#lr-title').textContent()).toBe('Learning rate, optimizer gen');
    expect(await page.getByTestId('optimizer-lr-chart-gen').count()).toBe(0);
    await page.getByTestId('optimizer-lr-chart-disc').waitFor();
    // The 300 logged points and the schedule evaluated at every step 0..2990, bucketed to about
    // the chart's width in pixels (at least 500 points on this page).
    await expect.poll(async () => Number(await page.getByTestId('optimizer-lr-chart-disc').getAttribute('data-points'))).toBeGreaterThan(300 + 500);
    expect(await page.getByTestId('verdict-panel').getByTestId('verdict-badge').textContent()).toMatch(/^Flagged/);
    expect(await page.getByTestId('verdict-panel').getByTestId('verdict-headline').textContent()).toBe('Optimizer disc: the LR is stuck at 1e-3.');
    expect(await page.getByTestId('verdict-panel-disc').getByTestId('verdict-badge').textContent()).toMatch(/^Flagged/);
    expect(await page.getByTestId('verdict-panel-gen').getByTestId('verdict-badge').textContent()).toBe('OK');
    // gen's verdict sits with the run's chart, which draws gen's LR.
    expect(await page.locator('section[aria-labelledby="lr-title"]').getByTestId('verdict-panel-gen').count()).toBe(1);
    // lr:gen and lr:disc are drawn as LR charts, not as metrics.
    expect(await page.getByLabel('Metric lr:disc').count()).toBe(0);
    await screenshot(page, 'run-optimizers');
    expect(errors).toEqual([]);
  });
});
