import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameInit } from 'xlive/sdk';
import type { FlvCloseReason, FlvTransport } from './flv-transport.js';
import type { FlvViewerEndReason } from './flv-viewer.js';
import { createTestHub, silentLogger, type TestHub } from 'xlive/sdk/testing';

const { StreamNotFoundError } = await import('xlive/sdk');
const { FlvViewer } = await import('./flv-viewer.js');
const { readFlv } = await import('xlive/media');

/** A transport that records writes and lets the test decide backpressure, drain and client close. */
class FakeTransport implements FlvTransport {
  readonly contiguous = false;
  writes: Uint8Array[][] = [];
  accept = true;
  closedWith: FlvCloseReason | undefined;
  private drain: Array<() => void> = [];
  private gone: Array<() => void> = [];
  write(chunks: readonly Uint8Array[]): boolean {
    this.writes.push([...chunks]);
    return this.accept;
  }
  onDrain(cb: () => void): void {
    this.drain.push(cb);
  }
  onClose(cb: () => void): void {
    this.gone.push(cb);
  }
  close(reason: FlvCloseReason): void {
    this.closedWith = reason;
  }
  fireDrain(): void {
    this.accept = true;
    for (const cb of this.drain) cb();
  }
  clientLeaves(): void {
    for (const cb of this.gone) cb();
  }
  bytes(): Buffer {
    return Buffer.concat(this.writes.flat());
  }
}

const video = (dts: number, keyframe = false, size = 100): FrameInit => ({
  track: 'video',
  codec: 'h264',
  dts,
  keyframe,
  payload: Buffer.alloc(size, keyframe ? 0x17 : 0x27),
  dataOffset: 5,
});
const audio = (dts: number): FrameInit => ({ track: 'audio', codec: 'aac', dts, payload: Buffer.from([0xaf, 0x01, 1, 2]), dataOffset: 2 });

function viewer(hub: TestHub, transport: FlvTransport, ends: FlvViewerEndReason[] = [], extra: { maxQueueBytes?: number } = {}) {
  return new FlvViewer({
    streams: hub,
    path: 'live/a',
    protocol: 'http-flv',
    transport,
    log: silentLogger(),
    remote: '127.0.0.1:1',
    onEnd: (_v, reason) => ends.push(reason),
    ...extra,
  });
}

describe('FlvViewer', () => {
  it('writes the FLV header, then each frame as [header, the frame payload itself, trailer]', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    pub.setMediaInfo({ video: { codec: 'h264' }, audio: { codec: 'aac' } });
    const key = video(0, true);
    pub.push(key);
    const t = new FakeTransport();
    viewer(hub, t).start();
    const a = audio(10);
    pub.push(a);
    assert.equal(t.writes.length, 2);
    assert.equal(t.writes[0]!.length, 4); // file header + tag
    assert.equal(t.writes[0]![2], key.payload, 'GOP keyframe payload passed through as the same view');
    assert.equal(t.writes[1]![1], a.payload);
    const flv = readFlv(t.bytes());
    assert.deepEqual(flv.flags, { audio: true, video: true });
    assert.deepEqual(flv.tags.map((x) => [x.type, x.timestamp]), [[9, 0], [8, 10]]);
  });

  it('shares one serialised tag header among viewers', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const t1 = new FakeTransport();
    const t2 = new FakeTransport();
    viewer(hub, t1).start();
    viewer(hub, t2).start();
    pub.push(video(0, true));
    const last1 = t1.writes.at(-1)!;
    const last2 = t2.writes.at(-1)!;
    assert.equal(last1[0], last2[0]);
    assert.equal(last1[2], last2[2]);
  });

  it('sends the header at once when the stream has no frame yet, with flags from the media info', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    pub.setMediaInfo({ audio: { codec: 'aac' } });
    const t = new FakeTransport();
    viewer(hub, t).start();
    assert.deepEqual(t.bytes(), Buffer.from([0x46, 0x4c, 0x56, 1, 0x04, 0, 0, 0, 9, 0, 0, 0, 0]));
  });

  it('stops on backpressure and resumes the hub queue in order on drain', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const t = new FakeTransport();
    viewer(hub, t).start();
    t.accept = false;
    pub.push(video(0, true));
    pub.push(video(33));
    pub.push(video(66));
    assert.equal(t.writes.length, 2, 'header write + first frame, then the hub queues');
    t.fireDrain();
    assert.deepEqual(readFlv(t.bytes()).tags.map((x) => x.timestamp), [0, 33, 66]);
  });

  it('ends the transport gracefully when the stream ends', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const t = new FakeTransport();
    const ends: FlvViewerEndReason[] = [];
    const v = viewer(hub, t, ends);
    v.start();
    pub.close();
    assert.equal(t.closedWith, 'stream-ended');
    assert.deepEqual(ends, ['stream-ended']);
    assert.equal(v.isEnded, true);
  });

  it('leaves the stream when the client goes away', () => {
    const hub = createTestHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const t = new FakeTransport();
    const ends: FlvViewerEndReason[] = [];
    viewer(hub, t, ends).start();
    assert.equal(hub.get('live/a')!.readers, 1);
    t.clientLeaves();
    assert.equal(hub.get('live/a')!.readers, 0);
    assert.deepEqual(ends, ['client-closed']);
    assert.equal(t.closedWith, undefined);
    const before = t.writes.length;
    pub.push(video(0, true));
    assert.equal(t.writes.length, before);
  });

  it('throws StreamNotFoundError for a stream that is not live, writing nothing', () => {
    const hub = createTestHub();
    const t = new FakeTransport();
    assert.throws(() => viewer(hub, t).start(), StreamNotFoundError);
    assert.equal(t.writes.length, 0);
  });

  it('is dropped as a slow reader when it never drains, while the publisher and other viewers go on', () => {
    let now = 0;
    const hub = createTestHub({ readerQueueBytes: 64 * 1024, readerQueueMs: 60_000, slowReaderGraceMs: 500, now: () => now });
    const pub = hub.publish('live/a', { protocol: 'test' });
    const stuck = new FakeTransport();
    stuck.accept = false;
    const healthy = new FakeTransport();
    const ends: FlvViewerEndReason[] = [];
    viewer(hub, stuck, ends).start();
    viewer(hub, healthy).start();
    let pushed = 0;
    for (let i = 0; i < 300 && stuck.closedWith === undefined; i++) {
      now += 33;
      pub.push(video(i * 33, i % 30 === 0, 4000));
      pushed++;
    }
    assert.equal(stuck.closedWith, 'slow-reader');
    assert.deepEqual(ends, ['slow-reader']);
    assert.ok(stuck.writes.length < 5, 'the stuck viewer got only what it accepted before backpressure');
    assert.equal(readFlv(healthy.bytes()).tags.length, pushed, 'the healthy viewer got every frame');
    assert.equal(hub.get('live/a')!.drops.slowDisconnects, 1);
    pub.push(video(pushed * 33, true));
    assert.equal(readFlv(healthy.bytes()).tags.length, pushed + 1);
  });
});
