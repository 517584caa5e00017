/**
 * The panel's recording controls in headless Chromium against a real box (issue 12, first slice): the
 * technician creates a key, ffmpeg publishes with the server and key the page shows; on the live
 * stream → Preview plays it live in the page, Record → REC badge, Stop recording → the recording is listed, Play → the in-page player (hls.js
 * light, served by the box, loaded only now) advances, Download answers the file, Delete removes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, setUpAdmin, openScreen } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';

const PW = 'panel recordings password';

describe('panel: record a live stream, play, download and delete the recording (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let publisher: Peer | undefined;

  before(async () => {
    app = await startAppliance();
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  after(async () => {
    await publisher?.stop();
    await browser?.close();
    await app?.stop();
  });

  it('records on demand from the live table and plays the recording in the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(new URL(r.url()).pathname));

    await setUpAdmin(page, app.httpUrl, PW);
    await openScreen(page, 'recordings');
    await page.locator('#recordings-empty').waitFor({ state: 'visible' });
    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/show');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    const server = await page.inputValue('#new-key-server');
    const key = await page.inputValue('#new-key-key');
    await page.click('#new-key-close');

    assert.ok(!loaded.some((p) => p.endsWith('/hls-light.js')), 'the player is not loaded before it is needed');
    publisher = startPublisher(`${server}/${key}`, 60);
    await openScreen(page, 'dashboard');
    const row = page.locator('#streams-body tr', { hasText: 'live/show' });
    await row.waitFor({ timeout: 30_000 });
    // The live preview plays in the page (hls.js from the box) before anything is recorded.
    await row.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.locator('#player').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#player-title')) ?? '', /Live: live\/show/);
    const advanced = (t: number) => (globalThis as unknown as { document: { getElementById(id: string): { currentTime: number } } }).document.getElementById('player-video').currentTime > t;
    await page.waitForFunction(advanced, 1, { timeout: 30_000 });
    await page.click('#player-close');
    await row.getByRole('button', { name: 'Record', exact: true }).click();
    await row.locator('.rec').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(5000);
    await row.getByRole('button', { name: 'Stop recording' }).click();
    await row.getByRole('button', { name: 'Record', exact: true }).waitFor({ timeout: 15_000 });
    assert.equal(await row.locator('.rec').count(), 0, 'no REC badge once stopped');

    await openScreen(page, 'recordings');
    const rec = page.locator('#recordings-body tr', { hasText: 'live/show' });
    await rec.waitFor();
    await rec.getByRole('button', { name: 'Play' }).click();
    await page.locator('#player').waitFor({ state: 'visible' });
    // The player is Media Source Extensions on a blob: URL (the panel's CSP allows media-src blob:).
    await page.waitForFunction(advanced, 1, { timeout: 30_000 });
    assert.ok(loaded.some((p) => p.endsWith('/panel/hls-light.js')), 'hls.js came from the box');

    const href = await rec.getByRole('link', { name: 'Download' }).getAttribute('href');
    const download = await page.evaluate(async (u) => {
      const r = await fetch(u!);
      return { status: r.status, bytes: (await r.arrayBuffer()).byteLength, type: r.headers.get('content-type') };
    }, href);
    assert.equal(download.status, 200);
    assert.ok(download.bytes > 10_000, `${download.bytes} bytes`);
    await page.click('#player-close');

    page.on('dialog', (d) => void d.accept());
    await rec.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#recordings-empty').waitFor({ state: 'visible' });
    assert.deepEqual(errors, []);
  });
});
