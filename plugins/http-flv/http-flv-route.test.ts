/** HTTP-FLV over real sockets: ffmpeg decodes it, refusals, CORS, plugin stop, a viewer that never reads. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { StreamEvent } from 'xlive/sdk';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlvFixture } from './testing/flv-fixture.js';

const { harness, fetchFlv, until, pushAll } = await import('./testing/plugin-harness.js');
const { makeFlvFixture, startPublish, tagFrame } = await import('./testing/flv-fixture.js');
const { readFlv } = await import('xlive/media');
type Harness = Awaited<ReturnType<typeof harness>>;

let fixture: FlvFixture;
before(async () => {
  fixture = await makeFlvFixture(3);
});

describe('http-flv plugin: HTTP-FLV', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ queueBytes: 16 * 1024 * 1024, queueMs: 60_000 });
  });
  after(() => h.close());

  it('streams a live H.264 + AAC stream that ffmpeg decodes without errors', async () => {
    const pub = h.t.hub.publish('live/x', { protocol: 'test' });
    const media = startPublish(pub, fixture);
    const url = `http://127.0.0.1:${h.port}/flv/live/x.flv`;
    const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-i', url, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let ffErr = '';
    ffmpeg.stderr.on('data', (c: Buffer) => (ffErr += c.toString()));
    const ffExit = new Promise<number | null>((resolve) => ffmpeg.on('close', (code) => resolve(code)));
    const { res, body } = await fetchFlv(h.port, '/flv/live/x.flv');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'video/x-flv');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    await until(() => h.t.hub.get('live/x')?.readers === 2, 'ffmpeg and the capture to join', 10_000);
    await pushAll(pub, media);
    pub.close();
    const bytes = await body;
    assert.equal(await ffExit, 0, ffErr);
    assert.equal(ffErr.trim(), '', 'ffmpeg reported no decode errors');

    const flv = readFlv(bytes);
    assert.equal(flv.trailing, 0);
    assert.deepEqual(flv.flags, { audio: true, video: true });
    const frames = flv.tags.map((tag) => ({ tag, f: tag.type === 18 ? undefined : tagFrame(tag) }));
    assert.equal(frames[0]!.tag.type, 18, 'metadata first');
    const firstVideo = frames.findIndex((x) => x.f?.track === 'video' && !x.f.sequenceHeader);
    const videoHeader = frames.findIndex((x) => x.f?.track === 'video' && x.f.sequenceHeader);
    assert.ok(videoHeader >= 0 && videoHeader < firstVideo, 'the AVC sequence header comes before the first picture');
    assert.equal(frames[firstVideo]!.f!.keyframe, true, 'the first picture is a keyframe');
    assert.ok(frames.some((x) => x.f?.track === 'audio' && x.f.sequenceHeader), 'the AAC sequence header is sent');
    // Timestamps pass through unchanged (the source's own order, incl. its trailing end-of-sequence tag),
    // and each track's coded frames are monotonic.
    const media2 = frames.filter((x) => x.f && !x.f.sequenceHeader);
    assert.deepEqual(media2.map((x) => x.tag.timestamp), fixture.frames.filter((f) => !f.sequenceHeader).map((f) => f.dts));
    for (const track of ['audio', 'video'] as const) {
      const ts = media2.filter((x) => x.f!.track === track && x.tag.body[1] === 1).map((x) => x.tag.timestamp);
      assert.ok(ts.length > 50);
      for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! >= ts[i - 1]!, `${track} timestamps monotonic at ${i}`);
    }
    assert.equal(flv.tags.length, fixture.metadata.length + fixture.frames.length, 'every frame arrived');
    // The payloads arrive byte for byte.
    const sent = fixture.frames.filter((f) => !f.sequenceHeader).map((f) => Buffer.from(f.payload).toString('hex'));
    const got = frames.filter((x) => x.f && !x.f.sequenceHeader).map((x) => x.tag.body.toString('hex'));
    assert.deepEqual(got, sent);

    const probe = await new Promise<string>((resolve, reject) => {
      const p = execFile('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', '-i', 'pipe:0'], (err, out) =>
        err ? reject(err) : resolve(out),
      );
      p.stdin!.end(bytes);
    });
    assert.deepEqual(probe.trim().split('\n').sort(), ['aac', 'h264']);
  });

  it('answers 404 for a stream that is not live and for a path that is not .flv', async () => {
    for (const path of ['/flv/live/nothing.flv', '/flv/live/x.mp4']) {
      const { res, body } = await fetchFlv(h.port, path);
      assert.equal(res.statusCode, 404, path);
      assert.match(res.headers['content-type'] ?? '', /problem\+json/);
      await body;
    }
    const malformed = await fetchFlv(h.port, '/flv/live.flv');
    assert.equal(malformed.res.statusCode, 400, 'not an <app>/<stream> path');
    await malformed.body;
    const { res, body } = await fetchFlv(h.port, '/flv/live/..%2F..%2Fetc.flv');
    assert.notEqual(res.statusCode, 200);
    await body;
  });

  it('answers HEAD with the stream headers and holds no viewer', async () => {
    const pub = h.t.hub.publish('live/head', { protocol: 'test' });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port: h.port, path: '/flv/live/head.flv', method: 'HEAD', agent: false }, resolve).on('error', reject).end();
    });
    res.resume();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'video/x-flv');
    await sleep(20);
    assert.equal(h.t.hub.get('live/head')?.readers, 0);
    pub.close();
  });

  it('answers the CORS preflight', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: '/flv/live/x.flv', method: 'OPTIONS', agent: false, headers: { 'Access-Control-Request-Headers': 'range' } }, resolve);
      req.on('error', reject).end();
    });
    res.resume();
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-allow-methods']), /GET/);
    assert.equal(res.headers['access-control-allow-headers'], 'range');
  });

  it('ends viewers when the plugin stops, and reports viewers in its health check', async () => {
    const pub = h.t.hub.publish('live/stop', { protocol: 'test' });
    startPublish(pub, fixture);
    const { res, body } = await fetchFlv(h.port, '/flv/live/stop.flv');
    assert.equal(res.statusCode, 200);
    await until(() => h.t.hub.get('live/stop')?.readers === 1, 'viewer');
    const report = await h.t.parts.health.run();
    const health = report.checks.find((c) => c.name.endsWith('viewers'))!;
    assert.equal(health.status, 'ok');
    assert.match(health.message ?? '', /^1 of 2000 viewers \(http-flv 1, ws-flv 0\)/);
    h.t.release();
    const bytes = await body;
    assert.equal(readFlv(bytes, { partial: true }).trailing, 0);
    assert.equal(h.t.hub.get('live/stop')?.readers, 0);
    pub.close();
  });
});

describe('http-flv plugin: slow viewers', () => {
  it('drops a viewer that never reads; the publisher and a reading viewer are unaffected', async () => {
    const h = await harness({ queueBytes: 512 * 1024, queueMs: 60_000 }, { hubOptions: { slowReaderGraceMs: 300 } });
    try {
      const pub = h.t.hub.publish('live/slow', { protocol: 'test' });
      const events: StreamEvent[] = [];
      h.t.hub.onEvent((e) => events.push(e));
      // A raw client that sends the request and never reads the response.
      const stuck = connect(h.port, '127.0.0.1');
      stuck.on('error', () => undefined);
      let stuckClosed = false;
      stuck.on('close', () => (stuckClosed = true));
      stuck.write('GET /flv/live/slow.flv HTTP/1.1\r\nHost: x\r\n\r\n');
      stuck.pause();
      await until(() => h.t.hub.get('live/slow')?.readers === 1, 'the stuck viewer');
      const reading = await fetchFlv(h.port, '/flv/live/slow.flv');
      await until(() => h.t.hub.get('live/slow')?.readers === 2, 'the reading viewer');

      // One payload view reused for every frame: memory stays flat whatever the sockets buffer.
      const payload = Buffer.alloc(16 * 1024, 0x27);
      payload[0] = 0x17;
      const started = Date.now();
      let pushed = 0;
      while (!events.some((e) => e.type === 'reader-removed' && e.reason === 'slow-reader')) {
        assert.ok(Date.now() - started < 15_000, `still not dropped after ${pushed} frames`);
        const t0 = process.hrtime.bigint();
        pub.push({ track: 'video', codec: 'h264', dts: pushed * 33, keyframe: pushed % 30 === 0, payload, dataOffset: 5 });
        assert.ok(process.hrtime.bigint() - t0 < 50_000_000n, 'push never blocks on a reader');
        pushed++;
        if (pushed % 4 === 0) await sleep(5);
      }
      // The server closed its end: once the client reads its backlog it reaches the end of the stream.
      stuck.resume();
      await until(() => stuckClosed, 'the stuck socket to be dropped', 10_000);
      assert.equal(h.t.hub.get('live/slow')?.readers, 1, 'the reading viewer is still there');
      pub.push({ track: 'video', codec: 'h264', dts: pushed * 33, keyframe: true, payload, dataOffset: 5 });
      pub.close();
      // The reading viewer stayed connected to the end (on a busy machine it may have skipped to a
      // keyframe now and then, which is the hub's policy, not a failure).
      const flv = readFlv(await reading.body);
      assert.ok(flv.tags.length > pushed / 2, `the reading viewer got ${flv.tags.length} of ${pushed + 1} frames`);
      assert.equal(flv.tags.at(-1)!.timestamp, pushed * 33, 'and the last one');
    } finally {
      await h.close();
    }
  });
});
