// The schedule preview in headless Chromium against the production server: the Coqui story's
// preset shows both curves and the warning that its first change needs 10,000 epochs; a bad spec
// shows its error next to the field; a log checked in the browser gets the detector's verdict;
// the page works from the keyboard and at a narrow width. Screenshots go to test/artifacts/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type TestServer } from '../helpers/server';
import { closePages, openPages, screenshot } from './browser';

let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
});

afterAll(() => closePages({ server, browser }));

const text = async (testId: string) => (await page.getByTestId(testId).first().textContent()) ?? '';
const COQUI = 'Coqui XTTS StepwiseGradualLR (the founding story)';

describe('schedule preview', () => {
  it('draws the Coqui story: the steps as written, the flat line Coqui produces, and why', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Preview' }).click();
    await page.waitForURL(/\/preview$/);
    expect(await page.getByRole('link', { name: 'Preview' }).getAttribute('aria-current')).toBe('page');
    // Pick another preset, then the story, as a user would.
    await page.getByLabel('Preset').selectOption({ label: 'HF cosine with warm-up' });
    await expect.poll(() => text('preview-cadence')).toContain('The Trainer steps the scheduler after every optimizer step');
    expect(await page.getByTestId('preview-curves').getAttribute('data-curves')).toBe('actual');
    await page.getByLabel('Preset').selectOption({ label: COQUI });

    await expect.poll(() => text('preview-warnings')).toContain('its first change (at 10,000) needs 10,000 epochs');
    const warnings = await text('preview-warnings');
    expect(warnings).toContain('the run is planned for 100 epochs: the LR will never change');
    expect(warnings).toContain('Fix: set "scheduler_after_epoch": false');
    expect(await text('preview-cadence')).toBe('Coqui steps the scheduler once per epoch: scheduler_after_epoch is not set, and defaults to true.');
    expect(await page.getByTestId('preview-curves').getAttribute('data-curves')).toBe('intended,actual');
    expect(await text('legend-intended')).toContain('LR as written (stepped every optimizer step)');
    expect(await text('legend-actual')).toContain('LR the trainer will produce (stepped once per epoch)');
    expect(await text('first-change-actual')).toBe('step 5,000,000 (epoch 10,000): after the run ends');
    expect(Number(await page.getByTestId('preview-chart').getAttribute('data-points'))).toBe(4000);
    await page.waitForTimeout(300); // chart.js draws after its lazy import
    await screenshot(page, 'preview', { readme: true });
    expect(errors).toEqual([]);
  });

  it('shows a bad spec\'s error next to the field, and the curve again once it is fixed', async () => {
    await page.getByRole('button', { name: 'PyTorch', exact: true }).click();
    const config = page.getByLabel('Config (JSON)');
    await config.fill(JSON.stringify({ name: 'MultiStepLR', params: { milestones: [30, 2.5], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 }, null, 2));
    await expect.poll(() => text('config-error')).toBe('params.milestones[1]: must be an integer ≥ 0, got 2.5');
    expect(await config.getAttribute('aria-invalid')).toBe('true');
    expect(await config.getAttribute('aria-describedby')).toContain('config-error');
    expect(await text('preview-errors')).toContain('params.milestones[1]: must be an integer ≥ 0, got 2.5');
    await screenshot(page, 'preview-error');

    await config.fill('{"name": "MultiStepLR", "params": {"milestones": [30, 60]}\n  "baseLr": 0.1}');
    await expect.poll(() => text('config-error')).toMatch(/^not valid JSON: line 2, column 3: /);
    await page.getByLabel('Steps per epoch').fill('0');
    await expect.poll(() => text('stepsPerEpoch-error')).toBe('must be a whole number ≥ 1, got 0');

    await config.fill('{"name": "MultiStepLR", "params": {"milestones": [30, 60]}, "interval": "epoch", "baseLr": 0.1}');
    await page.getByLabel('Steps per epoch').fill('500');
    await expect.poll(() => text('preview-cadence')).toBe('Your loop calls scheduler.step() once per epoch.');
    expect(await config.getAttribute('aria-invalid')).toBe('false');
    expect(await text('preview-ok')).toContain('No warnings');
  });

  it('checks a log file in the browser against the previewed schedule', async () => {
    await page.getByLabel('Preset').selectOption({ label: COQUI });
    const rows = ['step,epoch,lr,loss'];
    for (let s = 0; s < 14_000; s += 10) rows.push(`${s},${Math.floor(s / 500)},0.0005,${(3 / Math.sqrt(1 + s / 200)).toFixed(4)}`);
    await page.getByTestId('log-file').setInputFiles({ name: 'xtts-metrics.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await expect.poll(() => text('verdict-badge')).toMatch(/^Flagged/);
    expect(await text('log-summary')).toBe('xtts-metrics.csv: CSV, 1,400 rows → 1,400 points.');
    expect(await text('verdict-headline')).toBe('The LR is stuck at 5e-4.');
    expect(await page.getByTestId('preview-curves').getAttribute('data-curves')).toBe('intended,actual,logged');
    await page.waitForTimeout(300);
    await screenshot(page, 'preview-log');

    // A TensorBoard event file, and a log whose LR column must be chosen by hand.
    const tb = readFileSync(path.join(ROOT, 'test/fixtures/tensorboard/events.out.tfevents.1764000000.coqui-story.0'));
    await page.getByTestId('log-file').setInputFiles({ name: 'events.out.tfevents.1764000000.coqui-story.0', mimeType: 'application/octet-stream', buffer: tb });
    await expect.poll(() => text('log-summary')).toBe('events.out.tfevents.1764000000.coqui-story.0: TensorBoard event file, 420 rows → 140 points.');
    await expect.poll(() => text('verdict-badge')).toMatch(/^Flagged/);
    await page.getByTestId('log-file').setInputFiles({ name: 'gan.csv', mimeType: 'text/csv', buffer: Buffer.from('step,g/lr,d/lr\n0,0.0005,0.001\n10,0.0005,0.001\n') });
    await expect.poll(() => text('log-error')).toBe('columns "g/lr" and "d/lr" all look like the learning rate: choose one with the "Learning rate" column menu');
    await page.getByTestId('map-lr').selectOption('g/lr');
    await expect.poll(() => text('verdict-badge')).toBe('OK');
    expect(errors).toEqual([]);
  });

  it('works from the keyboard and at a narrow width', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Hugging Face' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Hugging Face' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('Preset').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('PyTorch');
    await page.getByLabel('Preset').selectOption({ label: COQUI });
    await page.setViewportSize({ width: 420, height: 900 });
    await expect.poll(() => text('preview-cadence')).toContain('Coqui steps the scheduler once per epoch');
    // The chart follows the new width on its next resize callback.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.waitForTimeout(300);
    await screenshot(page, 'preview-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  });
  it('keeps the config in the URL: a shared link opens the same preview, and Back returns to the previous pick', async () => {
    await page.goto(`${server.url}/preview`);
    await page.getByLabel('Preset').selectOption({ label: 'HF cosine with warm-up' });
    await expect.poll(() => page.url()).toMatch(/preset=[\w-]+/);
    const hf = page.url();
    await page.getByLabel('Preset').selectOption({ label: COQUI });
    await expect.poll(() => page.url()).toContain('preset=coqui-xtts');
    await page.getByLabel('Epochs', { exact: true }).fill('7');
    await expect.poll(() => page.url()).toContain('epochs=7');
    await page.goBack();
    await expect.poll(() => page.getByLabel('Epochs', { exact: true }).inputValue()).not.toBe('7');
    await page.goBack();
    await expect.poll(() => page.url()).toBe(hf);
    await expect.poll(() => text('preview-cadence')).toContain('The Trainer steps the scheduler after every optimizer step');

    const edited = `${server.url}/preview?fw=pytorch&config=${encodeURIComponent(JSON.stringify({ name: 'StepLR', params: { step_size: 3, gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 }))}&spe=100&epochs=9`;
    await page.goto(edited);
    await expect.poll(() => page.getByLabel('Config (JSON)').inputValue()).toContain('StepLR');
    expect(await page.getByLabel('Epochs', { exact: true }).inputValue()).toBe('9');
    expect(errors).toEqual([]);
  });
});
