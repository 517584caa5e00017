/**
 * hls + storage-local in one process on the same hub and registries (real plugin contexts, the real
 * HTTP app), fed with ffmpeg-made FLV frames: recordings through the real provider (listed, played as
 * VOD by ffmpeg, downloaded, deleted), live objects on disk, and a full disk that stops recording with
 * an event while live goes on.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, PluginDefinition, Publisher } from '../../core/sdk/index.js';
import { createSharedParts, createTestContext, type SharedParts, type TestContext } from '../helpers/plugin-context.js';
const hlsPlugin = (await import('../../plugins/hls/index.js')).default as unknown as PluginDefinition;
const { createStorageLocalPlugin } = await import('../../plugins/storage-local/index.js');
const { readFlvFile } = await import('../../plugins/hls/testing/flv-file-reader.js');
const { hasTool, runTool } = await import('../../plugins/hls/testing/run-tool.js');

const haveFfmpeg = (await hasTool('ffmpeg')) && (await hasTool('ffprobe'));
const GiB = 1024 ** 3;

interface Box {
  parts: SharedParts;
  hls: TestContext<Record<string, unknown>>;
  url: string;
  close(): Promise<void>;
}

async function startBox(freeBytes: () => number): Promise<Box> {
  const parts = createSharedParts();
  const storagePlugin: PluginDefinition = createStorageLocalPlugin({ statfs: async () => ({ bytesFree: freeBytes(), bytesTotal: 64 * GiB }) });
  const storage = createTestContext({ id: 'storage-local', shared: parts, config: { recordAll: true, fsyncRecordings: false } });
  const hls = createTestContext({ id: 'hls', shared: parts, config: { segmentMs: 1000, windowSize: 4 } });
  // A plugin's setup may hand back its own start/stop (closures over what it built), as the host allows.
  const ownStorage = storagePlugin.setup(storage.ctx);
  storage.commit();
  const ownHls = hlsPlugin.setup(hls.ctx);
  hls.commit();
  await (ownStorage?.start ? ownStorage.start() : storagePlugin.start?.(storage.ctx));
  await (ownHls?.start ? ownHls.start() : hlsPlugin.start?.(hls.ctx));
  const srv = await hls.serve();
  return {
    parts,
    hls,
    url: srv.url,
    close: async () => {
      await (ownHls?.stop ? ownHls.stop() : hlsPlugin.stop?.(hls.ctx));
      hls.release();
      await (ownStorage?.stop ? ownStorage.stop() : storagePlugin.stop?.(storage.ctx));
      storage.release();
      parts.hub.stop();
      await srv.close();
      await rm(parts.root, { recursive: true, force: true });
    },
  };
}

async function pushAll(pub: Publisher, frames: readonly Frame[]): Promise<void> {
  for (const f of frames) {
    if (f.track === 'video' && f.keyframe && !f.sequenceHeader) await sleep(25);
    pub.push({ track: f.track, codec: f.codec, dts: f.dts, cts: f.cts, keyframe: f.keyframe, sequenceHeader: f.sequenceHeader, payload: f.payload, dataOffset: f.dataOffset });
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const uris = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('hls on storage-local: recordings and a full disk', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  let dir = '';
  let clip: Frame[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlive-hls-rec-'));
    const flv = join(dir, 'clip.flv');
    const enc = await runTool('ffmpeg', [
      '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine',
      '-t', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-c:a', 'aac', '-f', 'flv', '-y', flv,
    ], 60_000);
    assert.equal(enc.code, 0, enc.stderr);
    clip = await readFlvFile(flv);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records a stream: listed, played as VOD by ffmpeg, downloaded as one .ts, deleted', async () => {
    const box = await startBox(() => 32 * GiB);
    try {
      const pub = box.parts.hub.publish('live/rec', { protocol: 'test' });
      await pushAll(pub, clip);
      const live = await until('a live playlist', async () => {
        const r = await fetch(`${box.url}/hls/live/rec/index.m3u8`);
        return r.status === 200 ? r.text() : undefined;
      });
      assert.ok(uris(live).length > 0);
      pub.close();

      const list = await until('an ended recording', async () => {
        const body = (await (await fetch(`${box.url}/api/v1/recordings`)).json()) as { items: Array<{ id: string; endedAt: string | null }> };
        return body.items.length === 1 && body.items[0]!.endedAt !== null ? body.items : undefined;
      });
      const id = list[0]!.id;
      const vod = await (await fetch(`${box.url}/hls/recordings/${id}/index.m3u8`)).text();
      assert.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD\n/);
      assert.ok(vod.endsWith('#EXT-X-ENDLIST\n'));
      assert.ok(uris(vod).length >= 3, vod);
      const play = await runTool('ffmpeg', ['-hide_banner', '-v', 'warning', '-i', `${box.url}/hls/recordings/${id}/index.m3u8`, '-f', 'null', '-'], 30_000);
      assert.equal(play.code, 0, play.stderr);
      assert.equal(play.stderr.trim(), '', play.stderr);

      const dl = await fetch(`${box.url}/api/v1/recordings/${id}/download`);
      assert.equal(dl.status, 200);
      const whole = Buffer.from(await dl.arrayBuffer());
      let sum = 0;
      for (const u of uris(vod)) sum += (await (await fetch(`${box.url}/hls/recordings/${id}/${u}`)).arrayBuffer()).byteLength;
      assert.equal(whole.length, sum, 'the download is every segment, concatenated');
      assert.equal(whole.length % 188, 0);
      const file = join(dir, 'download.ts');
      await writeFile(file, whole);
      const probe = await runTool('ffprobe', ['-v', 'error', '-of', 'json', '-show_entries', 'format=duration', file]);
      assert.equal(probe.code, 0, probe.stderr);
      const listed = vod.match(/#EXTINF:([\d.]+)/g)!.reduce((n, l) => n + Number(l.slice(8)), 0);
      const measured = Number((JSON.parse(probe.stdout) as { format: { duration: string } }).format.duration);
      if (vod.includes('#EXT-X-DISCONTINUITY')) {
        // A segment was shed under load (a gap, flagged): the download spans it, the playlist does not.
        assert.ok(measured >= listed - 0.2, `download lasts ${measured} s, the VOD playlist ${listed} s`);
      } else {
        assert.ok(Math.abs(measured - listed) < 0.2, `download lasts ${measured} s, the VOD playlist ${listed} s`);
      }

      assert.equal((await fetch(`${box.url}/api/v1/recordings/${id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await fetch(`${box.url}/hls/recordings/${id}/index.m3u8`)).status, 404);
    } finally {
      await box.close();
    }
  });

  it('a full disk stops the recording with a recording.paused event; live keeps going', async () => {
    let free = 32 * GiB;
    const box = await startBox(() => free);
    try {
      const pub = box.parts.hub.publish('live/full', { protocol: 'test' });
      const half = Math.floor(clip.length / 2);
      await pushAll(pub, clip.slice(0, half));
      await until('a recorded segment', async () => {
        const body = (await (await fetch(`${box.url}/api/v1/recordings`)).json()) as { items: Array<{ segments: number }> };
        return (body.items[0]?.segments ?? 0) > 0;
      });
      free = 1024 * 1024; // far below the watermark
      const before = uris((await (await fetch(`${box.url}/hls/live/full/index.m3u8`)).text()));
      await pushAll(pub, clip.slice(half).map((f) => ({ ...f }) as Frame));
      const paused = await until('a recording.paused event from hls', () =>
        box.parts.events.list({ type: 'recording.paused' }).find((e) => e.source === 'hls'),
      );
      assert.equal(paused.stream, 'live/full');
      assert.equal(paused.severity, 'warn');
      const after = await until('live segments after the pause', async () => {
        const text = await (await fetch(`${box.url}/hls/live/full/index.m3u8`)).text();
        const now = uris(text);
        return now[now.length - 1] !== before[before.length - 1] ? now : undefined;
      });
      assert.ok(after.length > 0, 'live keeps going');
      pub.close();
    } finally {
      await box.close();
    }
  });
});
