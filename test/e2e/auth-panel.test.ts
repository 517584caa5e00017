/**
 * The web panel in headless Chromium against the real appliance: first-boot setup form → dashboard
 * (a stream key is created and shown once) → logout → login form → dashboard again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { openScreen } from '../helpers/panel.js';

const PW = 'panel password 123';

describe('panel: setup, dashboard, logout, login (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;

  before(async () => {
    app = await startAppliance({ env: { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '0' } });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('walks a technician through first boot and back in', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/status of 40[13]/.test(m.text()) && errors.push(m.text()));

    await page.goto(app.httpUrl + '/');
    await page.locator('#view-setup').waitFor({ state: 'visible' });
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-password', PW);
    await page.fill('#setup-password2', PW + 'x');
    await page.click('#setup-submit');
    await page.locator('#setup-error').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#setup-error')) ?? '', /different/);
    await page.fill('#setup-password2', PW);
    await page.click('#setup-submit');

    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    assert.equal(await page.textContent('#user-name'), 'admin');
    assert.equal(await page.textContent('#user-role'), 'admin');
    await openScreen(page, 'plugins');
    await page.locator('#plugins-list article.plugin').first().waitFor();
    assert.ok((await page.locator('#plugins-list article.plugin').count()) >= 3);

    // A stream key: created from the panel, shown once with copyable fields.
    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/stage');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    assert.match(await page.inputValue('#new-key-key'), /^[A-Za-z0-9_-]{32}$/);
    // The box's own address the panel was opened on, and the RTMP listener's real port.
    assert.equal(await page.inputValue('#new-key-server'), `rtmp://127.0.0.1:${app.ports['rtmp']!.port}/live`);
    await page.locator('#keys-body tr', { hasText: 'live/stage' }).waitFor();
    await page.click('#new-key-close');
    assert.equal(await page.inputValue('#new-key-key'), '');

    // The cookie is HttpOnly: page script cannot read it.
    assert.equal(await page.evaluate('document.cookie'), '');

    await page.click('#logout');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#view-login').waitFor({ state: 'visible' });

    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', 'wrong password');
    await page.click('#login-submit');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#login-error')) ?? '', /wrong username or password/);

    await page.fill('#login-password', PW);
    await page.click('#login-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await page.locator('#keys-body tr', { hasText: 'live/stage' }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
});
