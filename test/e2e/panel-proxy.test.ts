/**
 * The panel behind a reverse proxy that serves it under a path prefix (`/xlive/` → the box's `/`), as
 * a venue's web server or a fleet's gateway would: first-run setup, a stream key, the watch links and a
 * live preview all work through the prefix, and the page never asks for anything outside it.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, openScreen } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';

const PW = 'behind the proxy password';
const PREFIX = '/xlive';

/** A minimal reverse proxy: strips PREFIX, keeps the Host header (as proxies configured for it do). */
function startProxy(upstreamPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (!req.url || !req.url.startsWith(`${PREFIX}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('outside the prefix');
      return;
    }
    const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url.slice(PREFIX.length), headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('panel: behind a reverse proxy under a path prefix (Chromium)', () => {
  let app: ApplianceHandle;
  let proxy: Server;
  let browser: Browser;
  let publisher: Peer | undefined;

  before(async () => {
    app = await startAppliance();
    proxy = await startProxy(Number(new URL(app.httpUrl).port));
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  after(async () => {
    await publisher?.stop();
    await browser?.close();
    proxy?.closeAllConnections();
    await new Promise((r) => proxy?.close(r));
    await app?.stop();
  });

  it('sets up, makes a key, links and previews a live stream, all under /xlive/', async () => {
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}`;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol.startsWith('http') && !u.pathname.startsWith(`${PREFIX}/`)) outside.push(u.pathname);
    });

    await page.goto(`${base}/`);
    await page.fill('#setup-username', 'admin');
    await page.fill('#setup-password', PW);
    await page.fill('#setup-password2', PW);
    await page.click('#setup-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible' });

    await openScreen(page, 'streams');
    await page.fill('#key-path', 'live/proxied');
    await page.click('#key-add');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    publisher = startPublisher(`${await page.inputValue('#new-key-server')}/${await page.inputValue('#new-key-key')}`, 60);
    await page.click('#new-key-close');

    await openScreen(page, 'dashboard');
    const row = page.locator('#streams-body tr', { hasText: 'live/proxied' });
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByRole('link', { name: 'HLS' }).getAttribute('href'), `${base}/hls/live/proxied/index.m3u8`);
    await row.getByRole('button', { name: 'Preview', exact: true }).click();
    const advanced = (t: number) => (globalThis as unknown as { document: { getElementById(id: string): { currentTime: number } } }).document.getElementById('player-video').currentTime > t;
    await page.waitForFunction(advanced, 1, { timeout: 30_000 });

    await openScreen(page, 'box');
    await page.locator('#logs-list li').first().waitFor();
    assert.deepEqual(outside, [], 'every request stayed under the prefix');
    assert.deepEqual(errors, []);
  });
});
