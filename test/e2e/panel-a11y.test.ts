/**
 * Accessibility of every panel screen, as axe-core sees it in headless Chromium against a real box:
 * zero serious or critical violations on first-run setup, sign-in, and every screen the navigation
 * offers (with a live stream, a stream key, a recording and an API token) — at desktop and phone size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium, openScreen } from '../helpers/panel.js';
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
    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/a11y');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    found['one-time key'] = await seriousViolations(page);
    publisher = startPublisher(`${await page.inputValue('#new-key-server')}/${await page.inputValue('#new-key-key')}`, 60);
    await page.click('#new-key-close');
    await openScreen(page, 'dashboard');
    const row = page.locator('#streams-body tr', { hasText: 'live/a11y' });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Record', exact: true }).click();
    await row.locator('.rec').waitFor({ timeout: 15_000 });
    await openScreen(page, 'people');
    await page.fill('#token-name', 'a11y');
    await page.click('#token-add');
    await page.locator('#new-token').waitFor({ state: 'visible' });
    // Every screen the navigation offers, at desktop and phone size (screens added later are covered too).
    const screens = await page.locator('[data-nav]:visible').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav') ?? ''));
    assert.ok(screens.length >= 6, `screens offered: ${screens.join(', ')}`);
    const expected: Record<string, string[]> = { setup: [], 'one-time key': [], 'sign-in': [] };
    for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(size);
      for (const name of screens) {
        await openScreen(page, name);
        await page.waitForTimeout(300); // the screen's first load
        const key = `${name} (${size.width})`;
        expected[key] = [];
        found[key] = await seriousViolations(page);
      }
    }
    await page.click('#logout');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    found['sign-in'] = await seriousViolations(page);
    assert.deepEqual(found, expected);
  });
});
