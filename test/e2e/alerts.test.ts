// The alerts pages in headless Chromium against the real production server and real local
// webhook receivers: rules, webhooks, a test alert and its delivery result, then a flagged run's
// alert arriving live with its delivery state, the nav badge, and acknowledging it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { query } from '../helpers/trpc-http';
import { type Receiver, signatureValid, startReceiver } from '../helpers/webhook-receiver';
import { closePages, openPages, screenshot } from './browser';
import { COQUI_SCHEDULE, coquiPoints, createRun, logPoints } from './seed';

let server: TestServer;
let browser: Browser;
let page: Page;
let hook: Receiver;
let gone: Receiver;
let fallback: Receiver;
const errors: string[] = [];

beforeAll(async () => {
  [hook, gone, fallback] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
  // LRSCOPE_WEBHOOK_URL: the zero-config channel every project sends to, shown read-only.
  ({ server, browser, page } = await openPages(errors, { LRSCOPE_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', LRSCOPE_WEBHOOK_URL: fallback.url, LRSCOPE_WEBHOOK_SECRET: 'fallback-secret' }));
});

afterAll(async () => {
  await closePages({ server, browser });
  await hook?.close();
  await gone?.close();
  await fallback?.close();
});

describe('alert settings', () => {
  it('saves rules for a project: causes, stall timeout, quiet period', async () => {
    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('alert-settings-link').click();
    const form = page.getByTestId('rules-form');
    await form.waitFor();
    expect(page.url()).toMatch(/\/alerts\/settings/);
    expect(await page.getByLabel('Stall timeout').inputValue()).toBe('10');
    expect(await page.getByLabel('Quiet period').inputValue()).toBe('5');

    await page.getByLabel('Stall timeout').fill('0.1');
    await form.getByRole('button', { name: 'Save rules' }).click();
    expect(await form.textContent()).toContain('Stall timeout: must be from 10 seconds (0.17) to 7 days (10080) in minutes');

    await form.getByLabel('LR overridden').uncheck();
    await page.getByLabel('Stall timeout').fill('15');
    await page.getByLabel('Quiet period').fill('2');
    await form.getByRole('button', { name: 'Save rules' }).click();
    await expect.poll(() => page.getByTestId('rules-status').textContent()).toContain('Saved.');
    const rules = (await query(server.url, 'alerts.rules', { project: 'default' })).body.result!.data;
    expect(rules).toMatchObject({ stallSeconds: 900, quietSeconds: 120, nonfiniteLoss: true });
    expect(rules.causes).not.toContain('overridden');
    expect(rules.causes).toContain('stepped_per_epoch');

    await page.reload();
    await page.getByTestId('rules-form').waitFor();
    await expect.poll(() => page.getByLabel('Stall timeout').inputValue()).toBe('15');
    expect(await page.getByTestId('rules-form').getByLabel('LR overridden').isChecked()).toBe(false);
  });

  it('adds webhooks with the URL checked, shows a generated secret once, and reports a test alert per channel', async () => {
    expect(await page.getByTestId('webhook-default').textContent()).toContain(`${fallback.url}Server default for every project: LRSCOPE_WEBHOOK_URL, signed with LRSCOPE_WEBHOOK_SECRET`);
    const url = page.getByLabel('Webhook URL');
    await url.fill('ftp://example.com/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => page.locator('#hook-error').textContent()).toBe('url: must be an http:// or https:// URL');

    await url.fill(hook.url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = page.getByTestId('new-secret');
    await secretBox.waitFor();
    const secret = ((await secretBox.locator('.mono').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const table = page.getByTestId('webhooks-table');
    await expect.poll(() => table.textContent()).toContain(hook.url);
    expect(await table.textContent()).toContain(`••••${secret.slice(-2)}`);
    expect(await table.textContent(), 'the table never shows the secret').not.toContain(secret);

    // A second channel whose receiver is gone for good (404): no retry, reported as failed.
    gone.failWith([404]);
    await url.fill(gone.url.replace('/hook', '/gone'));
    await page.getByLabel('Signing secret (optional)').fill('my-chosen-secret');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('new-secret').count(), 'a chosen secret is not echoed').toBe(0);

    await page.getByTestId('send-test-alert').click();
    const result = page.getByTestId('test-alert-result');
    await expect.poll(() => result.locator('[data-testid="delivery-state"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: 15_000 }).toEqual(['delivered', 'failed', 'delivered']);
    expect(await result.textContent()).toContain('HTTP 200 after 1 attempt');
    expect(await result.textContent()).toContain('HTTP 404; gave up after 1 attempt');
    const [got] = await hook.waitFor(1);
    expect(got.event).toBe('test');
    expect(signatureValid(secret, got.raw, got.signature)).toBe(true);
    expect(signatureValid('fallback-secret', (await fallback.waitFor(1))[0].raw, fallback.received[0].signature)).toBe(true);
    await expect.poll(() => page.getByTestId('deliveries-table').locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'alerts-settings');
    await page.setViewportSize({ width: 420, height: 900 });
    // Nothing may push the page wider than a narrow window.
    await expect
      .poll(() => page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 421 && !e.closest('.table-wrap > table')).map((e) => `${e.tagName}.${e.className}`).slice(0, 5)))
      .toEqual([]);
    await screenshot(page, 'alerts-settings-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Removing the dead one.
    await page.getByRole('button', { name: /Remove webhook .*\/gone/ }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});

describe('alerts page', () => {
  it('shows a flagged run’s alert live with its webhook delivery, counts it on the nav badge, and acknowledges it', async () => {
    await page.goto(`${server.url}/alerts`);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.getByTestId('live-indicator').and(page.locator('[data-status="pending"]')).waitFor();
    expect(await page.getByTestId('alerts-badge').count()).toBe(0);

    const id = await createRun(server.url, server.apiKey, { name: 'xtts-coqui-stepwise', schedule: COQUI_SCHEDULE, config: { scheduler_after_epoch: true } });
    await logPoints(server.url, server.apiKey, id, coquiPoints(0, 12_000));
    const row = page.locator('[data-testid^="alert-row-"]').filter({ hasText: 'xtts-coqui-stepwise' });
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('alerts-badge').textContent()).toBe('1');
    expect(await row.textContent()).toContain('10,000');
    expect(await row.textContent()).toContain('expected 4e-4, actual 5e-4');
    await expect.poll(() => row.getByTestId('alert-deliveries').textContent(), { timeout: 10_000 }).toBe('Raise: delivered');
    await hook.waitUntil((r) => r.some((x) => x.event === 'raised' && x.body.run.id === id));
    await screenshot(page, 'alerts-live');

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('acknowledged');
    await expect.poll(() => page.getByTestId('alerts-badge').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
