/** Recordings through the plugin: VOD playlists, segments, download, delete; a full store pauses recording. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
const { harness, haveFfmpeg, useClip, pushAll, until, uris } = await import('./test-support/plugin-harness.js');
const { runTool } = await import('./testing/run-tool.js');

const fixture = useClip();

describe('hls plugin: recordings', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  test('a recorded stream is listed, played as VOD, downloaded in one piece and deleted', async () => {
    const h = await harness({}, { storage: { record: (p) => p === 'live/rec' } });
    try {
      const pub = h.t.hub.publish('live/rec', { protocol: 'test' });
      await pushAll(pub, fixture.clip);
      pub.close();
      const rec = h.storage.recordings;
      await until(() => [...rec.items.values()].some((r) => r.info.endedAt !== null), 'recording ended');
      const list = (await (await fetch(`${h.url}/api/v1/recordings`)).json()) as { items: Array<{ id: string }>; next: string | null };
      assert.equal(list.items.length, 1);
      assert.equal(list.next, null);
      const id = list.items[0]!.id;
      const { segments } = rec.items.get(id)!;
      assert.ok(segments.length >= 3);
      assert.deepEqual(segments.map((s) => s.seq), segments.map((_, i) => i));
      for (const s of segments) assert.equal(h.storage.objects.get(`recording:${s.key}`)?.length, s.bytes);

      const vod = await (await fetch(`${h.url}/hls/recordings/${id}/index.m3u8`)).text();
      assert.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD\n/);
      assert.ok(vod.endsWith('#EXT-X-ENDLIST\n'));
      assert.equal(uris(vod).length, segments.length);
      const play = await runTool('ffmpeg', ['-hide_banner', '-v', 'warning', '-i', `${h.url}/hls/recordings/${id}/index.m3u8`, '-f', 'null', '-'], 30_000);
      assert.equal(play.code, 0, play.stderr);
      assert.equal(play.stderr.trim(), '', play.stderr);

      const dl = await fetch(`${h.url}/api/v1/recordings/${id}/download`);
      assert.equal(dl.status, 200);
      assert.match(dl.headers.get('content-disposition') ?? '', /attachment; filename="live_rec-.*\.ts"/);
      const whole = Buffer.from(await dl.arrayBuffer());
      assert.deepEqual(whole, Buffer.concat(segments.map((s) => h.storage.objects.get(`recording:${s.key}`)!)));

      // A traversal in the file name is refused by the route's documented parameter schema, before the handler.
      assert.equal((await fetch(`${h.url}/hls/recordings/${id}/..%2f..%2fx.ts`)).status, 400);
      assert.equal((await fetch(`${h.url}/hls/recordings/not-a-recording/index.m3u8`)).status, 404);
      assert.equal((await fetch(`${h.url}/api/v1/recordings/${id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await fetch(`${h.url}/hls/recordings/${id}/index.m3u8`)).status, 404);
    } finally {
      await h.close();
    }
  });

  test('storage full: recording stops with a recording.paused event, live keeps going', async () => {
    const h = await harness({}, { storage: { record: () => true } });
    try {
      const pub = h.t.hub.publish('live/full', { protocol: 'test' });
      await pushAll(pub, fixture.clip.slice(0, Math.floor(fixture.clip.length / 2)));
      await until(() => [...h.storage.recordings.items.values()].some((r) => r.segments.length > 0), 'recorded segments');
      h.storage.recordings.full = true;
      const before = h.storage.keys('live', 'live/full/').length;
      await pushAll(pub, fixture.clip.slice(Math.floor(fixture.clip.length / 2)));
      await until(() => h.t.parts.events.list({ type: 'recording.paused' }).length === 1, 'recording.paused event');
      const ev = h.t.parts.events.list({ type: 'recording.paused' })[0]!;
      assert.equal(ev.severity, 'warn');
      assert.equal(ev.stream, 'live/full');
      assert.ok([...h.storage.recordings.items.values()][0]!.info.endedAt !== null, 'the paused recording was closed');
      const text = await (await fetch(`${h.url}/hls/live/full/index.m3u8`)).text();
      assert.ok(uris(text).length > 0 && h.storage.keys('live', 'live/full/').length >= before, 'live goes on');
      pub.close();
    } finally {
      await h.close();
    }
  });
});
