/**
 * The technician's whole show in headless Chromium against a real box, one step after another as the
 * issue lists them: first-run setup → sign in → create a stream key → ffmpeg publishes with the server
 * and key the page shows → the preview plays → start a recording → stop it → play it in the page →
 * change a setting and a plugin's config through the forms → upload the example plugin, consent, see
 * it running → take a backup. Screenshots of each step go to test-output/panel/walk-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openScreen } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';
import { examplePluginPackage } from '../helpers/plugin-packages.js';

const PW = 'walk the whole show 1';
const SHOTS = join(process.cwd(), 'test-output', 'panel');

const videoAdvanced = (t: number) => (globalThis as unknown as { document: { getElementById(id: string): { currentTime: number } } }).document.getElementById('player-video').currentTime > t;

describe('panel: the whole show, start to finish (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let publisher: Peer | undefined;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startAppliance();
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  after(async () => {
    await publisher?.stop();
    await browser?.close();
    await app?.stop();
  });

  it('setup → key → publish → preview → record → play → settings and plugin forms → plugin upload → backup', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `walk-${name}.png`), fullPage: true });

    // 1. First-run setup, then sign out and sign in again as the technician would the next day.
    await page.goto(app.httpUrl + '/');
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-password', PW);
    await page.fill('#setup-password2', PW);
    await page.click('#setup-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });
    await page.click('#logout');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', PW);
    await page.click('#login-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });

    // 2. A stream key; ffmpeg publishes with exactly the server and key the page shows.
    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/show');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    const server = await page.inputValue('#new-key-server');
    const key = await page.inputValue('#new-key-key');
    assert.equal(server, `rtmp://127.0.0.1:${app.ports['rtmp']!.port}/live`);
    await shot('key');
    publisher = startPublisher(`${server}/${key}`, 120);
    await page.click('#new-key-close');
    // The ingest server stays in view after the one-time box closes.
    assert.match((await page.locator('#keys-body tr', { hasText: 'live/show' }).textContent()) ?? '', new RegExp(`OBS Server: ${server.replace(/[.]/g, '\\.')}`));

    // 3. The preview plays.
    await openScreen(page, 'dashboard');
    const row = page.locator('#streams-body tr', { hasText: 'live/show' });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.waitForFunction(videoAdvanced, 1, { timeout: 30_000 });
    await shot('preview');
    await page.click('#player-close');

    // 4. Record, stop, play the recording in the page.
    await row.getByRole('button', { name: 'Record', exact: true }).click();
    await row.locator('.rec').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(5000);
    await row.getByRole('button', { name: 'Stop recording' }).click();
    await row.getByRole('button', { name: 'Record', exact: true }).waitFor({ timeout: 15_000 });
    await openScreen(page, 'recordings');
    const rec = page.locator('#recordings-body tr', { hasText: 'live/show' });
    await rec.waitFor();
    await rec.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(videoAdvanced, 1, { timeout: 30_000 });
    await shot('recording');
    await page.click('#player-close');

    // 5–6. Settings and plugin forms, plugin upload: see walkForms / walkPluginUpload below.
    await walkForms(page);
    await walkPluginUpload(page, app);

    // 7. A backup, downloaded from the Box screen.
    await openScreen(page, 'box');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download a backup' }).click()]);
    assert.match(download.suggestedFilename(), /\.tar\.gz$/);
    assert.ok(((await download.createReadStream()) as NodeJS.ReadableStream) !== null);
    await shot('box');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/** The box's configuration as the page's session reads it. */
async function configValue(page: Page, key: string): Promise<unknown> {
  return page.evaluate(async (k) => {
    const r = await fetch('api/v1/config', { credentials: 'same-origin' });
    return ((await r.json()) as { entries: Array<{ key: string; value: unknown }> }).entries.find((e) => e.key === k)?.value;
  }, key);
}

/** A core setting and a plugin's config changed through the generated forms, both applied live. */
async function walkForms(page: Page): Promise<void> {
  await openScreen(page, 'settings');
  const group = page.locator('#settings-limits');
  if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
  await page.fill('#set-limits-http__rateLimits__apiPerIpPerMinute', '5000');
  await page.click('#set-limits button[type="submit"]');
  await page.locator('#set-limits-status', { hasText: 'in effect now' }).waitFor();
  assert.equal(await configValue(page, 'http.rateLimits.apiPerIpPerMinute'), 5000);
  await page.screenshot({ path: join(SHOTS, 'walk-settings.png'), fullPage: true });

  await openScreen(page, 'plugins');
  const hls = page.locator('#plugin-hls');
  await hls.getByRole('button', { name: 'Configure hls' }).click();
  const windowSize = '#cfg-hls-plugins__hls__windowSize';
  await page.locator(windowSize).waitFor({ state: 'visible' });
  await page.fill(windowSize, '4');
  await page.click('#cfg-hls button[type="submit"]');
  await page.locator('#cfg-hls-status', { hasText: 'in effect now' }).waitFor();
  assert.equal(await configValue(page, 'plugins.hls.windowSize'), 4);
}

/** The example plugin (as `npm run build` packs it) uploaded, consented to, running without a restart. */
async function walkPluginUpload(page: Page, app: ApplianceHandle): Promise<void> {
  await openScreen(page, 'plugins');
  await page.setInputFiles('#plugin-file', examplePluginPackage().path);
  await page.click('#plugin-upload');
  await page.locator('#plugin-install-status', { hasText: 'Installed hello' }).waitFor({ timeout: 30_000 });
  // The consent dialog opens at once, listing what the plugin asks for in words.
  const dialog = page.locator('dialog.consent');
  await dialog.waitFor({ state: 'visible' });
  assert.match((await dialog.textContent()) ?? '', /http:public: serve routes anyone may call without signing in/);
  await page.screenshot({ path: join(SHOTS, 'walk-plugin-consent.png'), fullPage: true });
  await dialog.getByLabel('I trust this plugin with these permissions').check();
  await dialog.getByRole('button', { name: 'Enable hello' }).click();
  const card = page.locator('#plugin-hello');
  await card.locator('.state-running').waitFor({ timeout: 30_000 });
  const r = await fetch(`${app.httpUrl}/plugins/hello/`);
  assert.equal(r.status, 200, 'the uploaded plugin serves its route');
  await page.screenshot({ path: join(SHOTS, 'walk-plugins.png'), fullPage: true });

  // A second upload of the same package is refused in words, with the update offered instead.
  await page.setInputFiles('#plugin-file', examplePluginPackage().path);
  await page.click('#plugin-upload');
  await page.locator('#plugin-install-status', { hasText: 'already installed' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'Install as an update (keeps its data)' }).count(), 1);

  // Uninstall (with its data): the card goes, the route with it.
  await card.getByRole('button', { name: 'Uninstall hello' }).click();
  const bye = page.locator('dialog.consent');
  await bye.getByLabel('Also delete the data it stored on this box').check();
  await bye.getByRole('button', { name: 'Uninstall hello' }).click();
  await page.locator('#plugins-announce', { hasText: 'Uninstalled hello' }).waitFor({ timeout: 30_000 });
  await card.waitFor({ state: 'detached' });
  assert.notEqual((await fetch(`${app.httpUrl}/plugins/hello/`)).status, 200, 'its route is gone');
}
