/**
 * The plugin in-process over real sockets: a real StreamHub fed with ffmpeg-made FLV frames, the real
 * HTTP app, an in-memory StorageProvider. Playlists and segments over HTTP (read back by ffmpeg),
 * reconnect discontinuities, ENDLIST, viewers, TTL release, bounds, slow and failing storage, stop().
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame } from 'xlive/sdk';
import type { Harness } from './test-support/plugin-harness.js';
const { harness, haveFfmpeg, initOf, useClip, pushAll, until, uris } = await import('./test-support/plugin-harness.js');
const { runTool } = await import('./testing/run-tool.js');

const fixture = useClip();

describe('hls plugin: live playlists and segments', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  let h: Harness;
  before(async () => {
    h = await harness({ endGraceMs: 300 });
  });
  after(() => h.close());

  test('a published stream becomes a playlist of stored segments that ffmpeg decodes cleanly, then ENDLIST', async () => {
    const pub = h.t.hub.publish('live/a', { protocol: 'test' });
    await pushAll(pub, fixture.clip);
    await until(() => h.storage.keys('live', 'live/a/').length >= 4, 'segments to be stored');

    const res = await fetch(`${h.url}/hls/live/a/index.m3u8`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const text = await res.text();
    assert.match(text, /^#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:\d+\n/);
    assert.match(text, /#EXT-X-PROGRAM-DATE-TIME:\d{4}-\d\d-\d\dT/);
    assert.ok(!text.includes('#EXT-X-ENDLIST'), 'still live');
    const listed = uris(text);
    assert.ok(listed.length >= 2 && listed.length <= 4, text);
    for (const uri of listed) {
      assert.match(uri, /^[A-Za-z0-9]+-\d+\.ts$/, 'relative segment URIs');
      assert.ok(h.storage.objects.has(`live:live/a/${uri}`), `${uri} was stored before being listed`);
      const seg = await fetch(`${h.url}/hls/live/a/${uri}`);
      assert.equal(seg.status, 200);
      assert.equal(seg.headers.get('content-type'), 'video/mp2t');
      assert.match(seg.headers.get('cache-control') ?? '', /^public, max-age=\d+, immutable$/);
      const bytes = Buffer.from(await seg.arrayBuffer());
      assert.equal(bytes.length % 188, 0);
      assert.deepEqual(bytes, h.storage.objects.get(`live:live/a/${uri}`));
    }
    const stored = h.storage.objects.get('live:live/a/index.m3u8');
    assert.ok(stored, 'the playlist is stored too');

    pub.close();
    await until(async () => (await (await fetch(`${h.url}/hls/live/a/index.m3u8`)).text()).endsWith('#EXT-X-ENDLIST\n'), 'ENDLIST after the grace period');
    assert.ok(h.storage.objects.get('live:live/a/index.m3u8')!.toString().endsWith('#EXT-X-ENDLIST\n'), 'stored playlist ended too');
    const play = await runTool('ffmpeg', ['-hide_banner', '-v', 'warning', '-i', `${h.url}/hls/live/a/index.m3u8`, '-f', 'null', '-'], 30_000);
    assert.equal(play.code, 0, play.stderr);
    assert.equal(play.stderr.trim(), '', `ffmpeg warned:\n${play.stderr}`);
  });

  test('a reconnect within the TTL continues the playlist after EXT-X-DISCONTINUITY, media sequence increasing', async () => {
    const first = h.t.hub.publish('live/r', { protocol: 'test' });
    await pushAll(first, fixture.clip.slice(0, Math.floor(fixture.clip.length / 2)));
    first.close();
    await until(() => (h.storage.keys('live', 'live/r/').length ?? 0) >= 2, 'first session segments');
    const before = await (await fetch(`${h.url}/hls/live/r/index.m3u8`)).text();
    const second = h.t.hub.publish('live/r', { protocol: 'test' });
    assert.notEqual(first.sessionId, second.sessionId);
    await pushAll(second, fixture.clip);
    await until(async () => (await (await fetch(`${h.url}/hls/live/r/index.m3u8`)).text()).includes('#EXT-X-DISCONTINUITY\n'), 'a discontinuity');
    const text = await (await fetch(`${h.url}/hls/live/r/index.m3u8`)).text();
    const seq = (s: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(s)![1]);
    assert.ok(seq(text) >= seq(before));
    assert.ok(!text.includes('#EXT-X-ENDLIST'));
    const tags = new Set(uris(text).map((u) => u.split('-')[0]));
    assert.equal(tags.size, 2, 'segments of both sessions are listed');
    second.close();
  });

  test('HLS viewers (IP + User-Agent within three target durations) show in the stream stats', async () => {
    const pub = h.t.hub.publish('live/v', { protocol: 'test' });
    await pushAll(pub, fixture.clip.slice(0, 200));
    for (const ua of ['player-one', 'player-two', 'player-two']) {
      const r = await fetch(`${h.url}/hls/live/v/index.m3u8`, { headers: { 'User-Agent': ua } });
      assert.equal(r.status, 200);
    }
    await until(() => h.t.hub.get('live/v')?.readersByProtocol['hls'] === 2, 'two hls viewers in the stats', 3000);
    assert.equal(h.t.hub.get('live/v')?.readersByProtocol['hls-muxer'], undefined, 'the muxer is not a viewer');
    assert.equal(h.t.hub.get('live/v')?.readers, 2);
    const metrics = await h.t.parts.metrics.exposition();
    assert.match(metrics.body, /xlive_hls_viewers\{stream="live\/v"\} 2/);
    assert.match(metrics.body, /xlive_hls_segments_written_total \d+/);
    assert.match(metrics.body, /xlive_hls_playlist_update_lag_seconds_bucket/);
    pub.close();
  });
});

describe('hls plugin: ownership, bounds and storage trouble', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  test('state and live segments are released after the TTL; many streams stay bounded', async () => {
    const h = await harness({ stateTtlMs: 1000, endGraceMs: 100, maxStreams: 8 });
    try {
      const pub = h.t.hub.publish('live/t', { protocol: 'test' });
      await pushAll(pub, fixture.clip.slice(0, 150));
      pub.close();
      await until(() => h.storage.keys('live', 'live/t/').length > 0, 'segments');
      await until(() => h.storage.keys('live').length === 0, 'live objects deleted after the TTL', 4000);
      const gone = await fetch(`${h.url}/hls/live/t/index.m3u8`);
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as { code: string }).code, 'STREAM_NOT_FOUND');

      const short = fixture.clip.slice(0, 40);
      for (let i = 0; i < 40; i++) {
        const p = h.t.hub.publish(`loop/s${i}`, { protocol: 'test' });
        await pushAll(p, short);
        p.close();
        assert.ok(h.t.hub.list().length <= 1);
      }
      const streams = new Set(h.storage.keys('live').map((k) => k.split('/').slice(0, 2).join('/')));
      assert.ok(streams.size <= 8 + 1, `live objects of ${streams.size} streams`);
      await until(() => h.storage.keys('live').length === 0, 'all released', 4000);
      assert.equal(h.t.hub.get('loop/s1'), undefined);
    } finally {
      await h.close();
    }
  });

  test('slow storage: pending writes are bounded, drops are counted and become discontinuities; failed puts are never listed', async () => {
    let slow = true;
    let failNext = false;
    const h = await harness(
      { maxPendingWrites: 1 },
      {
        storage: {
          beforePut: async (_cls, key) => {
            if (!key.endsWith('.ts')) return;
            if (failNext) {
              failNext = false;
              throw new Error('disk error');
            }
            if (slow) await sleep(150);
          },
        },
      },
    );
    try {
      const pub = h.t.hub.publish('live/s', { protocol: 'test' });
      for (const f of fixture.clip) pub.push(initOf(f)); // all at once: the queue must shed
      await sleep(400); // the one running write and the one kept pending finish
      slow = false;
      failNext = true;
      await pushAll(pub, fixture.clip.map((f) => ({ ...f, dts: f.dts + 5000 }) as Frame));
      await until(async () => uris(await (await fetch(`${h.url}/hls/live/s/index.m3u8`)).text()).length >= 3, 'playlist');
      const text = await (await fetch(`${h.url}/hls/live/s/index.m3u8`)).text();
      for (const uri of uris(text)) assert.ok(h.storage.objects.has(`live:live/s/${uri}`), `${uri} listed but not stored`);
      const metrics = (await h.t.parts.metrics.exposition()).body;
      assert.match(metrics, /xlive_hls_segments_dropped_total\{reason="queue-full"\} [1-9]/);
      assert.match(metrics, /xlive_hls_segments_dropped_total\{reason="write-failed"\} 1/);
      assert.match(text, /#EXT-X-DISCONTINUITY\n/);
      const health = await h.t.ctx.health.report();
      assert.equal(health.checks.find((c) => c.name === 'hls/muxer')?.status, 'warn');
      pub.close();
    } finally {
      await h.close();
    }
  });

  test('stop() detaches from the hub and deletes live segments', async () => {
    const h = await harness();
    const pub = h.t.hub.publish('live/stop', { protocol: 'test' });
    await pushAll(pub, fixture.clip.slice(0, 150));
    await until(() => h.storage.keys('live').length > 0, 'segments');
    await h.stop();
    assert.equal(h.t.hub.get('live/stop')?.readers, 0);
    assert.deepEqual(h.storage.keys('live'), []);
    pub.close();
    await h.close();
  });
});
