/**
 * The panel's Plugins screen in headless Chromium against a real box with a third-party plugin
 * (examples/hello-plugin) in its plugins folder: a plugin's config changed through the form generated
 * from its configSchema (in effect: GET api/v1/plugins/hls shows it); an invalid value gets the box's
 * message next to the field; disabling and enabling a plugin shows the pending "after restart" state;
 * enabling the third-party plugin asks for consent to its permissions, listed in words; the auth plugin
 * is offered no Disable button and says why. axe-core finds nothing serious; at 390×844 nothing
 * scrolls sideways; screenshots at both sizes.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium, setUpAdmin } from '../helpers/panel.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const PW = 'panel plugins password';
const SHOTS = join(PACKAGE_ROOT, 'test-output', 'panel');
const WINDOW = '#cfg-hls-plugins__hls__windowSize';

interface PluginView {
  enabled: boolean;
  enabledAfterRestart: boolean;
  pending: boolean;
  config: Record<string, unknown> | null;
}

function pluginOf(page: Page, id: string): Promise<PluginView> {
  return page.evaluate(async (id) => {
    const r = await fetch(`api/v1/plugins/${id}`, { credentials: 'same-origin' });
    return (await r.json()) as PluginView;
  }, id);
}

describe('panel: plugins — state, enable/disable, consent, generated config forms (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-panel-plugins-'));
    cpSync(join(PACKAGE_ROOT, 'dist', 'examples', 'hello-plugin'), join(dataDir, 'plugins', 'hello'), { recursive: true });
    app = await startAppliance({ dataDir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('configures a plugin through its form, shows pending enable/disable, asks consent, refuses to disable auth in words', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await setUpAdmin(page, app.httpUrl, PW);
    await page.goto(app.httpUrl + '/#plugins');
    const hls = page.locator('#plugin-hls');
    await hls.waitFor({ state: 'visible' });
    assert.match((await hls.textContent()) ?? '', /Running/);
    assert.match((await hls.textContent()) ?? '', /Permissions: http, http:mount/);
    assert.equal(await page.locator('#plugins-card > #plugin-install').count(), 1, 'the install container is there');

    // Configure: the form generated from hls's configSchema; a live key.
    await hls.getByRole('button', { name: 'Configure hls' }).click();
    await page.locator(WINDOW).waitFor({ state: 'visible' });
    assert.equal(await page.inputValue(WINDOW), '6');
    assert.match((await page.textContent(`label[for="${WINDOW.slice(1)}"]`)) ?? '', /Window size/);
    await page.fill(WINDOW, '4');
    await page.click('#cfg-hls button[type="submit"]');
    await page.locator('#cfg-hls-status', { hasText: 'in effect now' }).waitFor();
    assert.equal((await pluginOf(page, 'hls')).config?.['windowSize'], 4);

    // An invalid value: the box's rule next to the field, nothing saved.
    await page.fill(WINDOW, '1');
    await page.click('#cfg-hls button[type="submit"]');
    await page.locator(`${WINDOW}-error`).waitFor({ state: 'visible' });
    assert.match((await page.textContent(`${WINDOW}-error`)) ?? '', /must be >= 2/);
    assert.match((await page.textContent('#cfg-hls-summary')) ?? '', /Not saved/);
    assert.equal((await pluginOf(page, 'hls')).config?.['windowSize'], 4);

    // A key the plugin takes only at its restart: said so, and the plugin restarts in place from the form.
    const sh = page.locator('#plugin-system-health');
    await sh.getByRole('button', { name: 'Configure system-health' }).click();
    const poll = '#cfg-system-health-plugins__system-health__pollIntervalMs';
    await page.locator(poll).waitFor({ state: 'visible' });
    await page.fill(poll, '20000');
    await page.click('#cfg-system-health button[type="submit"]');
    await page.locator('#cfg-system-health-status', { hasText: 'after a restart of the plugin system-health' }).waitFor();
    await page.locator('#plugins-restart', { hasText: 'plugins.system-health.pollIntervalMs' }).waitFor({ state: 'visible' });
    await sh.getByRole('button', { name: 'Restart system-health now' }).click();
    await sh.getByText('system-health restarted: running with the saved settings.').waitFor();
    await page.locator('#plugins-restart').waitFor({ state: 'hidden' });
    assert.equal((await pluginOf(page, 'system-health')).config?.['pollIntervalMs'], 20000);

    // Disable a plugin: it runs until the restart, and the screen says so.
    const webhooks = page.locator('#plugin-webhooks');
    await webhooks.getByRole('button', { name: 'Disable webhooks' }).click();
    await webhooks.locator('.plugin-note', { hasText: 'disabled after restart' }).waitFor();
    await webhooks.locator('.pending', { hasText: 'disabled after restart' }).waitFor();
    await page.locator('#plugins-restart', { hasText: 'plugin webhooks: disabled after the restart' }).waitFor({ state: 'visible' });
    const disabled = await pluginOf(page, 'webhooks');
    assert.deepEqual([disabled.enabled, disabled.enabledAfterRestart, disabled.pending], [true, false, true]);
    // …and enable it again: nothing waits any more.
    await webhooks.getByRole('button', { name: 'Enable webhooks' }).click();
    await webhooks.locator('.plugin-note', { hasText: 'nothing to restart' }).waitFor();
    assert.equal((await pluginOf(page, 'webhooks')).pending, false);
    await page.locator('#plugins-restart').waitFor({ state: 'hidden' });

    // A third-party plugin: consent to its permissions, listed in words.
    const hello = page.locator('#plugin-hello');
    assert.match((await hello.textContent()) ?? '', /Third-party plugin.*Waiting for an admin to consent/s);
    await hello.getByRole('button', { name: 'Enable hello' }).click();
    const dialog = page.locator('dialog.consent');
    await dialog.waitFor({ state: 'visible' });
    assert.match((await dialog.textContent()) ?? '', /http:public: serve routes anyone may call without signing in/);
    const agree = dialog.getByRole('button', { name: 'Enable hello' });
    assert.equal(await agree.isDisabled(), true, 'not before the admin agrees');
    assert.deepEqual(await seriousViolations(page), [], 'axe-core: the consent dialog');
    await dialog.getByLabel('I trust this plugin with these permissions').check();
    await agree.click();
    // It starts at once (the box adopts a newly enabled plugin without a restart).
    await hello.locator('.plugin-note', { hasText: 'hello is running now' }).waitFor();
    await hello.locator('.state-running').waitFor();
    const helloNow = await pluginOf(page, 'hello');
    assert.deepEqual([helloNow.enabled, helloNow.enabledAfterRestart, helloNow.pending], [true, true, false]);

    // The auth plugin: no Disable button; the refusal in words.
    const auth = page.locator('#plugin-auth-local');
    assert.equal(await auth.getByRole('button', { name: 'Disable auth-local' }).count(), 0);
    assert.match((await auth.textContent()) ?? '', /the box refuses to disable it from here \(without it every request is refused\)/);

    // Accessibility, screenshots, phone width.
    assert.deepEqual(await seriousViolations(page), [], 'axe-core: desktop');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(SHOTS, 'plugins-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at a 390 px viewport`);
    assert.deepEqual(await seriousViolations(page), [], 'axe-core: phone');
    await page.screenshot({ path: join(SHOTS, 'plugins-phone.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
