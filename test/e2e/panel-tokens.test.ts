/**
 * API tokens from the panel in headless Chromium against a real box: create one with chosen scopes and
 * an expiry (shown once), use it from a script (its scopes hold, others are refused), see "last used"
 * after a reload, revoke it (the script is refused at once).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, setUpAdmin, openScreen } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const PW = 'panel tokens password';

describe('panel: API tokens (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;

  before(async () => {
    app = await startAppliance();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('creates a scoped, expiring token shown once, shows its last use, and revokes it', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await setUpAdmin(page, app.httpUrl, PW);
    await openScreen(page, 'people');
    await page.locator('#tokens-card').waitFor({ state: 'visible' });
    await page.locator('#tokens-empty').waitFor({ state: 'visible' });

    await page.fill('#token-name', 'fleet-script');
    for (const box of await page.locator('#token-scopes input').all()) await box.setChecked(false);
    await page.locator('#token-scopes input[value="streams:read"]').check();
    await page.fill('#token-days', '30');
    await page.click('#token-add');
    await page.locator('#new-token').waitFor({ state: 'visible' });
    const token = await page.inputValue('#new-token-value');
    assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const row = page.locator('#tokens-body tr', { hasText: 'fleet-script' });
    assert.equal((await row.locator('td').nth(1).textContent())?.trim(), 'streams:read');
    assert.doesNotMatch((await row.locator('td').nth(2).textContent()) ?? '', /no expiry/);
    await page.click('#new-token-close');
    assert.equal(await page.inputValue('#new-token-value'), '', 'shown once');

    const asScript = (method: string, path: string) => fetch(app.httpUrl + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{"path":"live/x"}' });
    assert.equal((await asScript('GET', '/api/v1/streams')).status, 200);
    assert.equal((await asScript('POST', '/api/v1/stream-keys')).status, 403, 'a scope it was not given');

    await page.reload();
    const again = page.locator('#tokens-body tr', { hasText: 'fleet-script' });
    await again.waitFor();
    assert.notEqual((await again.locator('td').nth(3).textContent())?.trim(), 'never', 'last used is shown');
    await again.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('#tokens-empty').waitFor({ state: 'visible' });
    assert.equal((await asScript('GET', '/api/v1/streams')).status, 401, 'revoked at once');
    assert.deepEqual(errors, []);
  });
});
