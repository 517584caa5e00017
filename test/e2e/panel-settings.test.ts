/**
 * The panel's Settings screen in headless Chromium against a real box: forms generated from the
 * configuration's JSON Schema. A live setting changed through the form is in effect (GET
 * api/v1/config shows it); an invalid value gets the box's own message next to that field and a
 * summary on top; a change that needs a restart raises the banner, whose Restart button restarts the
 * service; a key the environment sets is read-only with the variable named. axe-core finds nothing
 * serious; at 390×844 nothing scrolls sideways; screenshots at both sizes.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium, setUpAdmin } from '../helpers/panel.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const PW = 'panel settings password';
const SHOTS = join(PACKAGE_ROOT, 'test-output', 'panel');
const RATE = '#set-limits-http__rateLimits__apiPerIpPerMinute';

interface ConfigView {
  entries: Array<{ key: string; value: unknown; lockedBy: string | null }>;
  pendingRestart: string[];
}

/** GET api/v1/config with the page's session (what the box says, not what the form shows). */
function configOf(page: Page): Promise<ConfigView> {
  return page.evaluate(async () => {
    const r = await fetch('api/v1/config', { credentials: 'same-origin' });
    return (await r.json()) as ConfigView;
  });
}
const valueOf = (cfg: ConfigView, key: string) => cfg.entries.find((e) => e.key === key)?.value;

async function openGroup(page: Page, id: string): Promise<void> {
  const group = page.locator(`#settings-${id}`);
  if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
}

describe('panel: settings forms generated from the schema (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // streams.maxStreams is set by the environment: the API cannot change it, the form shows it locked.
    app = await startAppliance({ env: { XLIVE_STREAMS_MAX_STREAMS: '32' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('saves a live setting, shows the box\'s validation next to the field, raises the restart banner, locks env keys', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await setUpAdmin(page, app.httpUrl, PW);
    await page.click('a[data-nav="settings"]');
    await page.locator('#settings-limits').waitFor({ state: 'visible' });

    // A live setting: the HTTP rate limit per address.
    await openGroup(page, 'limits');
    assert.equal(await page.inputValue(RATE), '600', 'the current value (the default)');
    assert.match((await page.textContent(`${RATE}-hint`)) ?? '', /From 1 to 10000000\. .*Default: 600/);
    await page.fill(RATE, '5000');
    await page.click('#set-limits button[type="submit"]');
    await page.locator('#set-limits-status', { hasText: 'in effect now' }).waitFor();
    assert.equal(valueOf(await configOf(page), 'http.rateLimits.apiPerIpPerMinute'), 5000, 'the box applied it');

    // An invalid value: the box's rule appears next to that field, and a summary on top of the form.
    await page.fill(RATE, '0');
    await page.click('#set-limits button[type="submit"]');
    await page.locator(`${RATE}-error`).waitFor({ state: 'visible' });
    assert.match((await page.textContent(`${RATE}-error`)) ?? '', /must be >= 1/);
    assert.equal(await page.getAttribute(RATE, 'aria-invalid'), 'true');
    assert.match((await page.textContent('#set-limits-summary')) ?? '', /Not saved: .*apiPerIpPerMinute/);
    assert.equal(valueOf(await configOf(page), 'http.rateLimits.apiPerIpPerMinute'), 5000, 'nothing saved');
    await page.fill(RATE, '5000');

    // A key the environment sets: read-only, with the variable named.
    const locked = '#set-limits-streams__maxStreams';
    assert.equal(await page.inputValue(locked), '32');
    assert.equal(await page.getAttribute(locked, 'readonly'), '');
    assert.match((await page.textContent(`${locked}-hint`)) ?? '', /Locked: set by XLIVE_STREAMS_MAX_STREAMS on this box/);
    await openGroup(page, 'ports');
    assert.match((await page.textContent('#set-ports-http__port-hint')) ?? '', /set by XLIVE_HTTP_PORT/);

    // A change that needs a restart: the banner lists it.
    await openGroup(page, 'logs');
    await page.fill('#set-logs-events__maxEvents', '20000');
    await page.click('#set-logs button[type="submit"]');
    await page.locator('#set-logs-status', { hasText: 'after a restart of the service: events.maxEvents' }).waitFor();
    await page.locator('#settings-restart', { hasText: 'events.maxEvents' }).waitFor({ state: 'visible' });
    assert.deepEqual((await configOf(page)).pendingRestart, ['events.maxEvents']);

    // By keyboard: a group opens from its summary with Enter.
    await page.focus('#settings-hls summary');
    await page.keyboard.press('Enter');
    await page.locator('#set-hls-plugins__hls__windowSize').waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'set-hls-plugins__hls__segmentMs', 'Tab reaches the first field');

    // Every group open (every kind of control: fieldsets, selects, checkboxes, textareas, locked ones):
    // axe-core at desktop and phone size, and nothing scrolls sideways on the phone.
    const groups = ['ports', 'publish', 'hls', 'retention', 'limits', 'webhooks', 'logs', 'other'];
    for (const g of groups) await openGroup(page, g);
    assert.equal(await page.getAttribute('#set-other-auth__labMode', 'disabled'), '', 'console-only: auth.labMode');
    assert.match((await page.textContent('#set-other-auth__labMode-hint')) ?? '', /Locked: console only/);
    assert.equal(await page.getAttribute('#set-webhooks-plugins__webhooks__secret', 'type'), 'password');
    assert.deepEqual(await seriousViolations(page), [], 'axe-core: desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at a 390 px viewport`);
    assert.deepEqual(await seriousViolations(page), [], 'axe-core: phone');
    // Screenshots with the banner and two groups open.
    for (const g of groups.filter((g) => g !== 'ports' && g !== 'limits')) await page.locator(`#settings-${g} summary`).click();
    await page.screenshot({ path: join(SHOTS, 'settings-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(SHOTS, 'settings-desktop.png'), fullPage: true });

    // Restart from the banner: the box comes back with the change in effect and nothing waiting.
    await page.locator('#settings-restart').getByRole('button', { name: 'Restart the service' }).click();
    await page.locator('#settings-announce', { hasText: 'The service restarted' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#settings-restart').isHidden(), true);
    const cfg = await configOf(page);
    assert.deepEqual(cfg.pendingRestart, []);
    assert.equal(valueOf(cfg, 'events.maxEvents'), 20000);
    assert.deepEqual(errors, []);
  });
});
