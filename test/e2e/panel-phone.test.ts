/**
 * The panel at a phone's size (390×844) and on a desktop, in headless Chromium against a real box with
 * a live stream, a stream key and a recording: at phone width nothing scrolls sideways and every
 * button and link is on screen; the live stream shows its bitrate and viewer charts (from the box's
 * bounded history). Screenshots of both sizes go to test-output/panel/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openScreen } from '../helpers/panel.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';

const PW = 'panel phone password 1';
const SHOTS = join(PACKAGE_ROOT, 'test-output', 'panel');

/** Elements whose right edge is past the viewport (what a phone user would have to scroll to). */
async function offScreen(page: Page, width: number): Promise<string[]> {
  const out: string[] = [];
  for (const loc of await page.locator('button:visible, a:visible, input:visible, select:visible').all()) {
    const box = await loc.boundingBox();
    if (box && box.x + box.width > width + 1) out.push(`${await loc.evaluate((n) => (n as unknown as { outerHTML: string }).outerHTML.slice(0, 80))} ends at ${Math.round(box.x + box.width)}`);
  }
  return out;
}

describe('panel: phone-first layout and charts (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let publisher: Peer | undefined;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startAppliance({ env: { XLIVE_STATS_INTERVAL_MS: '1000' } });
    browser = await launchChromium();
  });
  after(async () => {
    await publisher?.stop();
    await browser?.close();
    await app?.stop();
  });

  it('fits 390×844 without sideways scrolling, charts the live stream, and is screenshotted at both sizes', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await page.goto(app.httpUrl + '/');
    await page.screenshot({ path: join(SHOTS, 'setup-phone.png'), fullPage: true });
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-password', PW);
    await page.fill('#setup-password2', PW);
    await page.click('#setup-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/stage');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    publisher = startPublisher(`${await page.inputValue('#new-key-server')}/${await page.inputValue('#new-key-key')}`, 90);
    assert.deepEqual(await offScreen(page, 390), [], 'the one-time key box fits');
    await page.click('#new-key-close');

    await openScreen(page, 'dashboard');
    const row = page.locator('#streams-body tr', { hasText: 'live/stage' });
    await row.waitFor({ timeout: 30_000 });
    await row.locator('svg.spark').first().waitFor({ timeout: 20_000 });
    assert.equal(await row.locator('svg.spark').count(), 2, 'bitrate and viewer charts');
    await row.getByRole('button', { name: 'Record', exact: true }).click();
    await row.locator('.rec').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(3000);
    await row.getByRole('button', { name: 'Stop recording' }).click();
    await row.getByRole('button', { name: 'Record', exact: true }).waitFor({ timeout: 15_000 });

    // Every screen the navigation offers: no sideways scrolling at 390 px, screenshots at both sizes.
    const screens = await page.locator('[data-nav]:visible').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav') ?? ''));
    for (const name of screens) {
      await page.setViewportSize({ width: 390, height: 844 });
      await openScreen(page, name);
      await page.waitForTimeout(500); // the screen's first load
      const scroll = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
      assert.ok(scroll <= 390, `${name}: the page is ${scroll} px wide at a 390 px viewport`);
      assert.deepEqual(await offScreen(page, 390), [], name);
      await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
    }
    assert.deepEqual(errors, []);
  });
});
