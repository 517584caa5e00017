/**
 * Accessibility of every panel screen, as axe-core sees it in headless Chromium against a real box:
 * zero serious or critical violations on first-run setup, sign-in, and the signed-in dashboard with a
 * live stream, a stream key, a recording, an API token and the box card — at desktop and phone size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';

const PW = 'panel a11y password 1';

describe('panel accessibility: axe-core on every screen (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let publisher: Peer | undefined;

  before(async () => {
    app = await startAppliance();
    browser = await launchChromium();
  });
  after(async () => {
    await publisher?.stop();
    await browser?.close();
    await app?.stop();
  });

  it('has no serious or critical violations on setup, sign-in and the dashboard, desktop and phone', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    const found: Record<string, string[]> = {};
    await page.goto(app.httpUrl + '/');
    await page.locator('#view-setup').waitFor({ state: 'visible' });
    found['setup'] = await seriousViolations(page);
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-password', PW);
    await page.fill('#setup-password2', PW);
    await page.click('#setup-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await page.fill('#key-path', 'live/a11y');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    found['one-time key'] = await seriousViolations(page);
    publisher = startPublisher(`${await page.inputValue('#new-key-server')}/${await page.inputValue('#new-key-key')}`, 60);
    await page.click('#new-key-close');
    const row = page.locator('#streams-body tr', { hasText: 'live/a11y' });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Record', exact: true }).click();
    await row.locator('.rec').waitFor({ timeout: 15_000 });
    await page.fill('#token-name', 'a11y');
    await page.click('#token-add');
    await page.locator('#new-token').waitFor({ state: 'visible' });
    found['dashboard (desktop)'] = await seriousViolations(page);
    await page.setViewportSize({ width: 390, height: 844 });
    found['dashboard (phone)'] = await seriousViolations(page);
    await page.click('#logout');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    found['sign-in'] = await seriousViolations(page);
    assert.deepEqual(found, { setup: [], 'one-time key': [], 'dashboard (desktop)': [], 'dashboard (phone)': [], 'sign-in': [] });
  });
});
