import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamBusyError, StreamNotFoundError, ValidationError, LimitExceededError } from '../errors/xlive-error.js';
import type { Frame, FrameInit } from '../sdk/media.js';
import type { ReaderCloseReason, StreamEvent } from '../sdk/streams.js';
import { StreamHub } from './stream-hub.js';

function video(dts: number, keyframe = false, size = 100): FrameInit {
  return { track: 'video', codec: 'h264', dts, keyframe, payload: new Uint8Array(size), dataOffset: 5 };
}
function audio(dts: number, size = 20): FrameInit {
  return { track: 'audio', codec: 'aac', dts, payload: new Uint8Array(size), dataOffset: 2 };
}

class Sink {
  frames: Frame[] = [];
  closed: ReaderCloseReason | undefined;
  accept = true;
  write(f: Frame): boolean {
    this.frames.push(f);
    return this.accept;
  }
  close(reason: ReaderCloseReason): void {
    this.closed = reason;
  }
}

describe('StreamHub', () => {
  it('delivers published frames to a reader, sharing the payload view', () => {
    const hub = new StreamHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const sink = new Sink();
    hub.subscribe('live/a', { protocol: 'test', sink });
    const f = video(0, true);
    pub.push(f);
    assert.equal(sink.frames.length, 1);
    assert.equal(sink.frames[0]!.payload, f.payload);
  });

  it('refuses a second publisher and an unknown stream, and validates paths', () => {
    const hub = new StreamHub();
    hub.publish('live/a', { protocol: 'test' });
    assert.throws(() => hub.publish('live/a', { protocol: 'test' }), StreamBusyError);
    assert.throws(() => hub.subscribe('live/b', { protocol: 'test', sink: new Sink() }), StreamNotFoundError);
    for (const bad of ['', 'a', 'a/b/c', '../x', 'live/..', 'live/a b', 'live/' + 'x'.repeat(300), 'live/.hidden']) {
      assert.throws(() => hub.publish(bad, { protocol: 'test' }), ValidationError, bad);
    }
  });

  it('takes over a path when configured to', () => {
    const hub = new StreamHub({ takeover: true });
    const first = hub.publish('live/a', { protocol: 'test' });
    const second = hub.publish('live/a', { protocol: 'test' });
    assert.equal(first.signal.aborted, true);
    assert.notEqual(first.sessionId, second.sessionId);
  });

  it('limits the number of streams', () => {
    const hub = new StreamHub({ maxStreams: 1 });
    hub.publish('live/a', { protocol: 'test' });
    assert.throws(() => hub.publish('live/b', { protocol: 'test' }), LimitExceededError);
  });

  it('starts a new reader with metadata, sequence headers and the GOP from its keyframe', () => {
    const hub = new StreamHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    pub.setMetadata(new Uint8Array(3), { width: 640 });
    pub.push({ ...video(0), sequenceHeader: true, keyframe: true });
    pub.push({ ...audio(0), sequenceHeader: true });
    pub.push(video(0, true));
    pub.push(video(33));
    pub.push(video(66, true));
    pub.push(audio(70));
    pub.push(video(100));
    const sink = new Sink();
    hub.subscribe('live/a', { protocol: 'test', sink });
    const kinds = sink.frames.map((f) => `${f.track}${f.sequenceHeader ? '-hdr' : ''}@${f.dts}`);
    assert.deepEqual(kinds, ['data@0', 'video-hdr@66', 'audio-hdr@66', 'video@66', 'audio@70', 'video@100']);
    assert.equal(sink.frames[3]!.keyframe, true);
  });

  it('bounds the GOP cache in bytes', () => {
    const hub = new StreamHub({ gopCacheBytes: 1000 });
    const pub = hub.publish('live/a', { protocol: 'test' });
    pub.push(video(0, true, 600));
    pub.push(video(33, false, 600));
    assert.equal(hub.get('live/a')!.gopCacheBytes, 0);
    const sink = new Sink();
    hub.subscribe('live/a', { protocol: 'test', sink });
    assert.equal(sink.frames.length, 0);
  });

  it('queues under backpressure, drops to the next keyframe over budget, and disconnects after the grace period', () => {
    let t = 0;
    const hub = new StreamHub({ readerQueueBytes: 1000, readerQueueMs: 10_000, slowReaderGraceMs: 500 }, undefined, () => t);
    const events: StreamEvent[] = [];
    hub.onEvent((e) => events.push(e));
    const pub = hub.publish('live/a', { protocol: 'test' });
    const slow = new Sink();
    const fast = new Sink();
    slow.accept = false;
    const reader = hub.subscribe('live/a', { protocol: 'slow', sink: slow });
    hub.subscribe('live/a', { protocol: 'fast', sink: fast });
    pub.push(video(0, true, 100)); // written, then blocked
    for (let i = 1; i <= 20; i++) pub.push(video(i * 33, false, 100));
    assert.ok(reader.stats.framesDropped > 0, 'frames were dropped');
    assert.ok(reader.stats.queuedBytes <= 1000);
    assert.ok(events.some((e) => e.type === 'reader-slow'));
    assert.equal(fast.frames.length, 21, 'the fast reader saw everything');
    // Drained: the next keyframe resumes delivery.
    slow.accept = true;
    reader.resume();
    const before = slow.frames.length;
    pub.push(video(800, false));
    assert.equal(slow.frames.length, before, 'still skipping until a keyframe');
    pub.push(video(833, true));
    assert.equal(slow.frames.at(-1)!.dts, 833);
    // Blocked again for longer than the grace period: disconnected and counted.
    slow.accept = false;
    pub.push(video(866, false, 100));
    for (let i = 0; i < 40; i++) {
      t += 50;
      pub.push(video(900 + i * 33, false, 100));
    }
    assert.equal(slow.closed, 'slow-reader');
    assert.equal(hub.get('live/a')!.drops.slowDisconnects, 1);
    assert.equal(hub.get('live/a')!.readers, 1);
  });

  it('releases all per-stream state when the publisher leaves', () => {
    const hub = new StreamHub();
    const events: string[] = [];
    hub.onEvent((e) => events.push(e.type));
    const pub = hub.publish('live/a', { protocol: 'test' });
    const sink = new Sink();
    hub.subscribe('live/a', { protocol: 'test', sink });
    pub.push(video(0, true));
    pub.close();
    assert.equal(sink.closed, 'stream-ended');
    assert.equal(hub.list().length, 0);
    assert.equal(hub.readerCount(), 0);
    assert.deepEqual(events, ['published', 'reader-added', 'unpublished', 'reader-removed']);
    pub.push(video(33)); // a late frame from a closed publisher is ignored
    assert.equal(hub.list().length, 0);
    // Republish works.
    hub.publish('live/a', { protocol: 'test' });
    assert.equal(hub.list().length, 1);
  });

  it('reports ingest stats', () => {
    let t = 0;
    const hub = new StreamHub({}, undefined, () => t);
    const pub = hub.publish('live/a', { protocol: 'test', remote: '1.2.3.4:5' });
    for (let i = 0; i < 60; i++) {
      t = i * 33;
      pub.push(video(t, i % 30 === 0, 1000));
    }
    const s = hub.get('live/a')!;
    assert.equal(s.ingest.frames, 60);
    assert.ok(s.ingest.fps > 25 && s.ingest.fps < 35, `fps ${s.ingest.fps}`);
    assert.ok(s.ingest.bitrateBps > 200_000);
    assert.equal(s.ingest.keyframeIntervalMs, 990, 'keyframes at frames 0 and 30, 33 ms apart');
    assert.equal(s.publisher?.remote, '1.2.3.4:5');
  });

  it('a reader whose sink throws ends alone: the readers before and after it get every frame, the publisher never sees it', () => {
    const hub = new StreamHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    const events: StreamEvent[] = [];
    hub.onEvent((e) => events.push(e));
    const before = new Sink();
    const after = new Sink();
    let writes = 0;
    const bad = {
      closed: undefined as ReaderCloseReason | undefined,
      write(): boolean {
        writes++;
        throw new Error('sink exploded');
      },
      close(reason: ReaderCloseReason): void {
        this.closed = reason;
        throw new Error('and its close too');
      },
    };
    hub.subscribe('live/a', { protocol: 'good', sink: before });
    const badReader = hub.subscribe('live/a', { protocol: 'bad', sink: bad });
    hub.subscribe('live/a', { protocol: 'good', sink: after });
    assert.doesNotThrow(() => {
      pub.push(video(0, true));
      pub.push(audio(10));
      pub.push(video(33));
    });
    assert.equal(before.frames.length, 3);
    assert.equal(after.frames.length, 3);
    assert.equal(writes, 1, 'the failed reader is not written to again');
    assert.equal(bad.closed, 'sink-failed');
    assert.equal(badReader.stats.framesSent, 0);
    assert.equal(hub.readerCount(), 2);
    assert.equal(hub.counters.sinkFailures, 2, 'the write and the close that threw are both counted');
    const removed = events.filter((e) => e.type === 'reader-removed');
    assert.deepEqual(removed.map((e) => e.type === 'reader-removed' && [e.protocol, e.reason]), [['bad', 'sink-failed']]);
    // A sink throwing while the hub ends every reader does not stop the others from ending.
    const late = { write: () => true, close: () => { throw new Error('close fails'); } };
    hub.subscribe('live/a', { protocol: 'bad', sink: late });
    pub.close();
    assert.equal(before.closed, 'stream-ended');
    assert.equal(after.closed, 'stream-ended');
    assert.equal(hub.readerCount(), 0);
  });

  it('a sink that throws while the GOP is replayed to it on subscribe ends that reader only', () => {
    const hub = new StreamHub();
    const pub = hub.publish('live/a', { protocol: 'test' });
    pub.push(video(0, true));
    pub.push(video(33));
    const good = new Sink();
    hub.subscribe('live/a', { protocol: 'good', sink: good });
    const bad = { write: (): boolean => { throw new Error('no'); }, close: () => undefined };
    const r = hub.subscribe('live/a', { protocol: 'bad', sink: bad });
    assert.equal(hub.readerCount(), 1);
    r.close(); // idempotent after the hub ended it
    pub.push(video(66));
    assert.equal(good.frames.length, 3);
  });
});
