/**
 * HEVC over Enhanced RTMP (FourCC hvc1): Debian's ffmpeg 5.1 cannot publish it, so the test crafts the
 * E-RTMP messages from a real x265 elementary stream, publishes them to the appliance over RTMP, and
 * checks that HTTP-FLV passes every video tag body through byte for byte, and that HLS remuxes it into
 * MPEG-TS that ffprobe reads as HEVC.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFlv } from '../../core/media/flv/flv-reader.js';
import { FlvTagType } from '../../core/media/flv/flv-tag-header.js';
import { hevcFramesFromAnnexB } from '../../plugins/hls/testing/hevc-ertmp-frames.js';
import { MessageType } from '../../plugins/rtmp/codec/chunk-writer.js';
import { RtmpTestClient } from '../../plugins/rtmp/testing/rtmp-test-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Read an HTTP-FLV response until `count` video tags arrived (the media library's FLV reader); returns their bodies. */
function readFlvVideoTags(url: string, count: number, timeoutMs: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let got = 0;
    const req = get(url, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
      res.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 13) return;
        const video = readFlv(buf, { partial: true }).tags.filter((t) => t.type === FlvTagType.video);
        got = video.length;
        if (got >= count) {
          req.destroy();
          resolve(video.slice(0, count).map((t) => Buffer.from(t.body)));
        }
      });
    });
    req.on('error', (err) => (got >= count ? undefined : reject(err)));
    setTimeout(() => {
      req.destroy();
      reject(new Error(`only ${got} video tags in ${timeoutMs} ms`));
    }, timeoutMs).unref();
  });
}

describe('HEVC over Enhanced RTMP', () => {
  let app: ApplianceHandle;
  let dir: string;
  let frames: ReturnType<typeof hevcFramesFromAnnexB>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-hevc-'));
    const es = join(dir, 'clip.hevc');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '4', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=25:bframes=0:log-level=error', '-f', 'hevc', es]);
    frames = hevcFramesFromAnnexB(readFileSync(es), 25);
    app = await startAppliance({ env: { XLIVE_PUBLISH_AUTH: 'open', XLIVE_HLS_SEGMENT_MS: '1000' } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes hvc1 through to HTTP-FLV byte for byte and remuxes it to HLS as HEVC', async () => {
    const pub = await RtmpTestClient.open(app.ports['rtmp']!.port);
    await pub.connectApp('live');
    const id = await pub.createStream();
    assert.equal((await pub.publish(id, 'hevc')).code, 'NetStream.Publish.Start');
    const send = (f: (typeof frames)[number]) => pub.send({ csid: 6, typeId: MessageType.Video, streamId: id, timestamp: f.dts, payload: f.payload });
    // The sequence header and the first GOP, then a viewer joins, then the rest at real-time pace.
    const firstGop = frames.findIndex((f, i) => i > 1 && f.keyframe);
    for (const f of frames.slice(0, firstGop)) send(f);
    await sleep(200);
    const viewer = readFlvVideoTags(`${app.httpUrl}/flv/live/hevc.flv`, frames.length, 20_000);
    await sleep(200);
    for (const f of frames.slice(firstGop)) {
      send(f);
      await sleep(40);
    }
    const tags = await viewer;
    // The viewer starts with the sequence header, then the cached GOP from its keyframe, then live.
    assert.deepEqual(tags[0], Buffer.from(frames[0]!.payload), 'sequence header first, unchanged');
    const sent = frames.slice(1).map((f) => Buffer.from(f.payload));
    const got = tags.slice(1);
    assert.ok(got.length >= sent.length, `${got.length} tags for ${sent.length} frames`);
    for (let i = 0; i < sent.length; i++) assert.ok(got[i]!.equals(sent[i]!), `video tag ${i} differs`);

    // HLS: the same stream as MPEG-TS with stream type 0x24.
    const playlist = await (await fetch(`${app.httpUrl}/hls/live/hevc/index.m3u8`)).text();
    const seg = playlist.split('\n').find((l) => l.endsWith('.ts'));
    assert.ok(seg, playlist);
    const ts = Buffer.from(await (await fetch(`${app.httpUrl}/hls/live/hevc/${seg}`)).arrayBuffer());
    writeFileSync(join(dir, 'seg.ts'), ts);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', join(dir, 'seg.ts')]).toString();
    assert.match(probe, /hevc,320,240/);
    pub.close();
  });
});
