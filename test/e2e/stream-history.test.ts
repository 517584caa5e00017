/**
 * The numbers the panel charts, from a real box: ffmpeg publishes and an HTTP-FLV viewer watches; the
 * stream's history (sampled every second here) shows the ingest bitrate and fps, the viewer by
 * protocol, and a not-live point once the publisher leaves. 401 without a token, 404 for a stream
 * that was never live.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, makeToken, signIn } from '../../plugins/auth-local/testing/http-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { runToEnd, startPublisher, startViewer, type Peer } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';

interface Point { t: number; bitrateBps: number; fps: number; readers: number; readersByProtocol: Record<string, number>; live: boolean }

describe('stream history for the panel charts', () => {
  let app: ApplianceHandle;
  let token: string;
  const peers: Peer[] = [];
  before(async () => {
    app = await startAppliance({ env: { XLIVE_STATS_INTERVAL_MS: '1000', XLIVE_PUBLISH_AUTH: 'open' } });
    token = (await makeToken(app.httpUrl, await signIn(app.httpUrl, 'admin', 'history admin password'), ['streams:read'])).token;
  });
  after(async () => {
    for (const p of peers) await p.stop();
    await app?.stop();
  });

  it('shows bitrate, fps and viewers by protocol while live, then a not-live point', async () => {
    const history = () => call<{ intervalMs: number; points: Point[] }>(app.httpUrl, 'GET', '/api/v1/streams/live/chart/history', { token });
    assert.equal((await history()).status, 404);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams/live/chart/history')).status, 401);
    const pub = startPublisher(`${app.rtmpUrl}/live/chart`, 30);
    peers.push(pub);
    await waitUntil('live', async () => ((await call(app.httpUrl, 'GET', '/api/v1/streams/live/chart', { token })).status === 200 ? true : undefined), 20_000, 200);
    peers.push(startViewer(`${app.httpUrl}/flv/live/chart.flv`, 20));
    const watched = await waitUntil('a sample with the viewer and ingest numbers', async () => {
      const h = await history();
      return h.status === 200 ? h.body.points.find((p) => p.live && p.bitrateBps > 0 && p.fps > 0 && (p.readersByProtocol['http-flv'] ?? 0) >= 1) : undefined;
    }, 20_000, 500);
    assert.ok(watched.readers >= 1);
    await pub.stop();
    await runToEnd(pub);
    const ended = await waitUntil('a not-live point after the publish', async () => (await history()).body.points.find((p) => !p.live), 10_000, 500);
    assert.equal(ended.bitrateBps, 0);
    const all = (await history()).body;
    assert.equal(all.intervalMs, 1000);
    assert.ok(all.points.every((p, i) => i === 0 || p.t > all.points[i - 1]!.t), 'oldest first');
  });
});
