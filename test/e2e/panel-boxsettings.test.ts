/**
 * The panel's box settings in headless Chromium against a real box (not installed from the package):
 * hostname with its .local link, the interfaces, time zone and NTP, the system facts with file systems
 * and their free space; the admin's forms (hostname, time zone select, Wi-Fi) each show the box's 409
 * in words; a viewer sees the facts and no forms. axe-core: zero serious/critical at desktop and phone
 * size, nothing past a 390 px viewport. Screenshots: test-output/panel/box-{desktop,phone}.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { call, signIn } from '../../plugins/auth-local/testing/http-client.js';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium, openScreen, setUpAdmin } from '../helpers/panel.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { waitUntil } from '../helpers/wait.js';

const PW = 'panel box settings pw 1';
const SHOTS = join(PACKAGE_ROOT, 'test-output', 'panel');
const UNSUPPORTED = /not installed from the xlive Debian package.*appliance image or install the package/;

async function offScreen(page: Page, width: number): Promise<string[]> {
  const out: string[] = [];
  for (const loc of await page.locator('#box-card :is(button, a, input, select):visible').all()) {
    const box = await loc.boundingBox();
    if (box && box.x + box.width > width + 1) out.push(`${await loc.evaluate((n) => (n as unknown as { outerHTML: string }).outerHTML.slice(0, 80))} ends at ${Math.round(box.x + box.width)}`);
  }
  return out;
}

describe('panel: box settings (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startAppliance();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows name, network, time, NTP and system facts; each form shows the 409 in words; axe clean; fits a phone', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await setUpAdmin(page, app.httpUrl, PW);
    // The system facts are gathered once in a worker after start: wait for them, then show the page again.
    const admin = await signIn(app.httpUrl, 'admin', PW, true);
    await waitUntil('system facts', async () => (await call(app.httpUrl, 'GET', '/api/v1/system', admin)).body['facts'], 30_000, 250);
    await page.reload();
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await openScreen(page, 'box');

    const box = (await call(app.httpUrl, 'GET', '/api/v1/system/box', admin)).body as Record<string, any>;
    await page.locator('#boxset-hostname').waitFor();
    assert.equal(await page.textContent('#boxset-hostname'), box['hostname']);
    assert.equal(await page.getAttribute('#boxset-mdns', 'href'), box['mdnsUrl']);
    const up = (box['interfaces'] as { name: string; up: boolean; kind: string }[]).filter((i) => i.kind !== 'other' || i.up);
    for (const i of up) assert.match((await page.textContent('#boxset-ifaces')) ?? '', new RegExp(`${i.name}: ${i.up ? 'connected' : ''}`));
    assert.equal(await page.textContent('#boxset-tz'), box['timezone']['name']);
    assert.match((await page.textContent('#boxset-ntp')) ?? '', /synchronized|unknown/);
    const system = (await page.textContent('#boxset-facts')) ?? '';
    assert.match(system, /System.*Processor.*Memory.*free of/s);
    assert.match((await page.textContent('#boxset-fs')) ?? '', /\/.* free of /);
    assert.match((await page.textContent('#boxset-unsupported')) ?? '', UNSUPPORTED);
    assert.equal(await page.textContent('#boxset-last'), 'No change requested yet.');

    await page.fill('#boxset-hostname-input', 'stage-2');
    await page.click('#boxset-hostname-submit');
    await page.locator('#boxset-hostname-msg.error').waitFor();
    assert.match((await page.textContent('#boxset-hostname-msg')) ?? '', UNSUPPORTED);
    assert.equal(await page.getAttribute('#boxset-hostname-msg', 'role'), 'alert');

    assert.ok((await page.locator('#boxset-tz-select option').count()) > 100, 'the time zones of the box');
    await page.selectOption('#boxset-tz-select', 'Europe/Berlin');
    await page.click('#boxset-tz-submit');
    await page.locator('#boxset-tz-msg.error').waitFor();
    assert.match((await page.textContent('#boxset-tz-msg')) ?? '', UNSUPPORTED);

    await page.fill('#boxset-wifi-country', 'de');
    await page.fill('#boxset-wifi-ssid', 'Venue "5G"');
    await page.fill('#boxset-wifi-psk', 'venue wifi secret 42');
    await page.click('#boxset-wifi-submit');
    await page.locator('#boxset-wifi-msg.error').waitFor();
    assert.match((await page.textContent('#boxset-wifi-msg')) ?? '', UNSUPPORTED);
    await page.click('#boxset-reboot');
    await page.locator('#boxset-reboot-msg.error').waitFor();
    assert.match((await page.textContent('#boxset-reboot-msg')) ?? '', UNSUPPORTED);

    assert.deepEqual(await seriousViolations(page), [], 'desktop');
    await page.locator('#box-card').scrollIntoViewIfNeeded();
    await page.locator('#box-card').screenshot({ path: join(SHOTS, 'box-desktop.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    assert.deepEqual(await seriousViolations(page), [], 'phone');
    const scroll = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(scroll <= 390, `the page is ${scroll} px wide at a 390 px viewport`);
    assert.deepEqual(await offScreen(page, 390), []);
    await page.locator('#box-card').screenshot({ path: join(SHOTS, 'box-phone.png') });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('a viewer sees the facts and no forms', async () => {
    const admin = await signIn(app.httpUrl, 'admin', PW, true);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', admin, { username: 'tv', password: PW, role: 'viewer' })).status, 201);
    const page = await browser.newPage();
    await page.goto(app.httpUrl + '/');
    await page.fill('#login-username', 'tv');
    await page.fill('#login-password', PW);
    await page.click('#login-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await openScreen(page, 'box');
    await page.locator('#boxset-hostname').waitFor();
    assert.equal(await page.locator('#boxset-change').count(), 0);
    await page.close();
  });
});
