/**
 * The panel's Dashboard screen in headless Chromium against a real box: the first screen's weight
 * (the issue's budget: under 150 KB, players not loaded), a live stream published by ffmpeg with a
 * 4-second keyframe interval shows its media facts and the keyframe warning, the watch links point at
 * the box, and the HTTP-FLV preview plays through mpegts.js (loaded only then) and counts as a viewer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, openScreen, setUpAdmin } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';

const PW = 'panel dashboard password';
const BUDGET = 150 * 1024;

describe('panel: the dashboard (Chromium)', () => {
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

  it('loads light, warns about a long keyframe interval, links the players and previews over HTTP-FLV', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // What crossed the wire: encoded body sizes as Chromium received them (compressed if the box compressed).
    const sizes = new Map<string, number>();
    page.on('requestfinished', async (r) => {
      const s = await r.sizes().catch(() => null);
      if (s) sizes.set(`${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`, (sizes.get(r.url()) ?? 0) + s.responseBodySize + s.responseHeadersSize);
    });

    await setUpAdmin(page, app.httpUrl, PW);
    await page.locator('#streams-empty').waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');
    const firstLoad = [...sizes.values()].reduce((a, b) => a + b, 0);
    assert.ok(firstLoad < BUDGET, `first screen: ${firstLoad} bytes (${[...sizes].map(([k, v]) => `${k}=${v}`).join(', ')})`);
    assert.ok(![...sizes.keys()].some((k) => /hls-light|mpegts/.test(k)), 'no player before a preview opens');
    console.log(`# first screen (setup → dashboard): ${firstLoad} bytes over ${sizes.size} requests`);

    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/gop');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    publisher = startPublisher(`${await page.inputValue('#new-key-server')}/${await page.inputValue('#new-key-key')}`, 90, { gop: 100 });
    await page.click('#new-key-close');
    await openScreen(page, 'dashboard');

    const row = page.locator('#streams-body tr', { hasText: 'live/gop' });
    await row.waitFor({ timeout: 30_000 });
    // Two keyframes 4 s apart must have arrived before the interval is known.
    await row.locator('.warn').waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? '', /h264 320×240/);
    assert.match((await row.textContent()) ?? '', /keyframe every 4\.0 s/);
    assert.match((await row.locator('.warn').textContent()) ?? '', /HLS segments come out 4\.0 s long instead of 2\.0 s/);

    const hlsHref = await row.getByRole('link', { name: 'HLS' }).getAttribute('href');
    assert.equal(hlsHref, `${app.httpUrl}/hls/live/gop/index.m3u8`);
    const flvHref = await row.getByRole('link', { name: 'HTTP-FLV' }).getAttribute('href');
    assert.equal(flvHref, `${app.httpUrl}/flv/live/gop.flv`);
    assert.equal((await fetch(hlsHref!)).status, 200, 'the watch link answers');

    await row.getByRole('button', { name: 'Preview FLV of live/gop' }).click();
    await page.locator('#player').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#player-title')) ?? '', /HTTP-FLV/);
    const advanced = (t: number) => (globalThis as unknown as { document: { getElementById(id: string): { currentTime: number } } }).document.getElementById('player-video').currentTime > t;
    await page.waitForFunction(advanced, 1, { timeout: 30_000 });
    assert.ok([...sizes.keys()].some((k) => k.endsWith('/panel/mpegts.js')), 'mpegts.js came from the box, on demand');
    // The preview is a viewer like any other: counted by protocol on the next refresh.
    await page.waitForFunction(() => /\d+ http-flv|\d+ flv/.test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('streams-body').textContent), null, { timeout: 15_000 });
    await page.click('#player-close');
    assert.deepEqual(errors, []);
  });
});
