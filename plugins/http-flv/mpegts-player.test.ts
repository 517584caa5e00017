/**
 * A real browser player: headless Chromium with mpegts.js plays the stream over WebSocket-FLV and
 * over HTTP-FLV (cross-origin, so the CORS headers matter). Skipped when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlvFixture } from './testing/flv-fixture.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const { harness } = await import('./testing/plugin-harness.js');
const { makeFlvFixture, startPublish } = await import('./testing/flv-fixture.js');
type Harness = Awaited<ReturnType<typeof harness>>;

const PAGE = `<!doctype html><html><body><video id="v" muted autoplay></video><script src="/mpegts.js"></script><script>
window.state = { errors: [] };
window.play = (url) => {
  const video = document.getElementById('v');
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url }, { enableWorker: false });
  player.on(mpegts.Events.ERROR, (type, detail, info) => window.state.errors.push(type + ' ' + detail + ' ' + JSON.stringify(info)));
  player.attachMediaElement(video);
  player.load();
  video.play().catch((e) => window.state.errors.push('play: ' + e.message));
  window.player = player;
};
window.progress = () => {
  const v = document.getElementById('v');
  const q = v.getVideoPlaybackQuality();
  return { time: v.currentTime, frames: q.totalVideoFrames, width: v.videoWidth, errors: window.state.errors };
};
</script></body></html>`;

describe('mpegts.js in Chromium', { skip: CHROMIUM ? false : 'chromium is not installed' }, () => {
  let h: Harness;
  let pageServer: Server;
  let pageUrl: string;
  let fixture: FlvFixture;
  let browser: import('playwright-core').Browser;

  before(async () => {
    fixture = await makeFlvFixture(3);
    h = await harness({ queueBytes: 16 * 1024 * 1024, queueMs: 60_000 });
    const mpegts = readFileSync(createRequire(import.meta.url).resolve('mpegts.js'));
    pageServer = createServer((req, res) => {
      if (req.url === '/mpegts.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(mpegts);
      else res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  });

  after(async () => {
    await browser?.close();
    await h?.close();
    await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  });

  for (const scheme of ['ws', 'http'] as const) {
    it(`plays H.264 + AAC over ${scheme === 'ws' ? 'WebSocket-FLV' : 'HTTP-FLV'}`, async () => {
      const path = `live/browser-${scheme}`;
      const pub = h.t.hub.publish(path, { protocol: 'test' });
      const media = startPublish(pub, fixture);
      const page = await browser.newPage();
      try {
        await page.goto(pageUrl);
        await page.evaluate((url) => (globalThis as unknown as { play(u: string): void }).play(url), `${scheme}://127.0.0.1:${h.port}/flv/${path}.flv`);
        const deadline = Date.now() + 15_000;
        while (h.t.hub.get(path)?.readers !== 1) {
          assert.ok(Date.now() < deadline, 'the player connected');
          await sleep(20);
        }
        // Publish in (roughly) real time: 3 s of media, 100 ms at a time.
        const start = Date.now();
        let i = 0;
        type Progress = { time: number; frames: number; width: number; errors: string[] };
        let p: Progress = { time: 0, frames: 0, width: 0, errors: [] };
        while (Date.now() < deadline && !(p.time > 1 && p.width > 0)) {
          while (i < media.length && media[i]!.dts <= Date.now() - start + 500) pub.push(media[i++]!);
          await sleep(100);
          p = await page.evaluate(() => (globalThis as unknown as { progress(): Progress }).progress());
          assert.deepEqual(p.errors, []);
        }
        assert.ok(p.time > 1, `playback advanced (currentTime ${p.time})`);
        assert.equal(p.width, 320);
        assert.ok(p.frames > 10, `decoded ${p.frames} video frames`);
        pub.close();
      } finally {
        await page.close();
      }
    });
  }
});
