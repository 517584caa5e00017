import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Logger } from 'xlive/sdk';
import { Segmenter, type Segment, type SegmenterOptions } from './segmenter.js';
import { TS_PID } from './ts-muxer.js';
import {
  aacFrame,
  aacSequenceHeaderFrame,
  avcFrame,
  avcSequenceHeaderFrame,
  avStream,
} from '../testing/synthetic-frames.js';
import { TestFrame } from '../testing/test-frame.js';
import { collectPes, inspectPackets } from '../testing/ts-inspect.js';

function run(frames: readonly Frame[], opts: SegmenterOptions = {}, flush = true): { seg: Segmenter; out: Segment[] } {
  const seg = new Segmenter({ now: () => 1_700_000_000_000, ...opts });
  const out: Segment[] = [];
  for (const f of frames) out.push(...seg.push(f));
  if (flush) {
    const last = seg.flush();
    if (last) out.push(last);
  }
  return { seg, out };
}

function firstVideoPes(s: Segment): { keyframe: boolean; dtsMs: number } {
  const ts = Buffer.concat(s.bytes);
  const video = inspectPackets(ts).find((p) => p.pid === TS_PID.VIDEO)!;
  const pes = collectPes(ts, [TS_PID.VIDEO])[0]!;
  return { keyframe: video.randomAccess, dtsMs: (pes.dts ?? pes.pts) / 90 };
}

test('cuts at the first keyframe once a segment reaches the target; each starts with PAT, PMT, keyframe', () => {
  const { out } = run(avStream(7, 30));
  assert.deepEqual(out.map((s) => [s.sequence, s.startDts, s.durationMs, s.discontinuity]), [
    [0, 0, 2000, false],
    [1, 2000, 2000, false],
    [2, 4000, 2000, false],
    // the last one (flushed) runs to the end of its last frame: an AAC frame ending at 7012 ms
    [3, 6000, 1012, false],
  ]);
  for (const s of out) {
    const pkts = inspectPackets(Buffer.concat(s.bytes));
    assert.deepEqual(pkts.slice(0, 2).map((p) => p.pid), [0, 0x1000]);
    assert.equal(pkts[2]!.pid, TS_PID.VIDEO, 'media starts with video');
    assert.deepEqual(firstVideoPes(s), { keyframe: true, dtsMs: s.startDts });
    assert.equal(s.byteLength, s.bytes.reduce((n, b) => n + b.length, 0));
  }
});

test('with a 1.5 s GOP the cut waits for a keyframe: segments are 3 s', () => {
  const { out } = run(avStream(6, 45));
  assert.deepEqual(out.map((s) => [s.startDts, s.durationMs]), [[0, 3000], [3000, 3014]]);
});

test('continuity counters carry on from one segment to the next', () => {
  const { out } = run(avStream(5, 30));
  const last = new Map<number, number>();
  for (const p of inspectPackets(Buffer.concat(out.flatMap((s) => s.bytes)))) {
    const prev = last.get(p.pid);
    if (prev !== undefined) assert.equal(p.cc, (prev + 1) % 16);
    last.set(p.pid, p.cc);
  }
});

test('frames before the first keyframe are dropped', () => {
  const frames = [avcSequenceHeaderFrame(), aacSequenceHeaderFrame(), avcFrame(0, false), aacFrame(10), avcFrame(33, false), ...avStream(3, 30, 66).slice(2)];
  const { seg, out } = run(frames);
  assert.equal(out[0]!.startDts, 66);
  assert.equal(seg.stats.droppedFrames, 3);
});

test('audio-only streams cut on time at audio frames', () => {
  const frames: Frame[] = [aacSequenceHeaderFrame()];
  for (let i = 0; i < 300; i++) frames.push(aacFrame(Math.round((i * 1024 * 1000) / 44100)));
  const { out } = run(frames);
  assert.ok(out.length >= 3);
  for (const s of out.slice(0, -1)) assert.ok(s.durationMs >= 2000 && s.durationMs < 2030, String(s.durationMs));
  const pkts = inspectPackets(Buffer.concat(out[1]!.bytes));
  assert.equal(pkts[2]!.pid, TS_PID.AUDIO);
  assert.equal(pkts[2]!.randomAccess, true);
  assert.notEqual(pkts[2]!.pcr, undefined);
});

test('a backwards timestamp jump ends the segment and starts a discontinuity on the next keyframe', () => {
  const a = avStream(3, 30);
  const b = avStream(3, 30).slice(2); // same headers; timeline restarts at 0
  const { out } = run([...a, ...b]);
  assert.deepEqual(out.map((s) => [s.startDts, s.discontinuity]), [[0, false], [2000, false], [0, true], [2000, false]]);
  assert.ok(Math.abs(out[1]!.durationMs - 1000) <= 40, `ended at its last frame: ${out[1]!.durationMs}`);
});

test('a forward jump beyond 10 s is a discontinuity; a smaller one is not', () => {
  const big = run([...avStream(1, 30), ...avStream(2, 30, 20_000).slice(2)]).out;
  assert.deepEqual(big.map((s) => s.discontinuity), [false, true]);
  const small = run([...avStream(1, 30), ...avStream(2, 30, 5_000).slice(2)]).out;
  assert.deepEqual(small.map((s) => s.discontinuity), [false, false]);
});

test('markDiscontinuity() returns the open segment and flags the next one', () => {
  const seg = new Segmenter();
  for (const f of avStream(1, 30)) seg.push(f);
  const ended = seg.markDiscontinuity();
  assert.equal(ended?.sequence, 0);
  assert.equal(seg.markDiscontinuity(), undefined);
  const out: Segment[] = [];
  for (const f of avStream(1, 30, 500)) out.push(...seg.push(f));
  const last = seg.flush()!;
  assert.deepEqual([last.sequence, last.discontinuity, last.startDts], [1, true, 500]);
  assert.equal(out.length, 0);
});

test('flush() ends the segment one frame after its last frame; an empty flush returns nothing', () => {
  const seg = new Segmenter();
  for (const f of [avcSequenceHeaderFrame(), avcFrame(0, true), avcFrame(40, false), avcFrame(80, false)]) seg.push(f);
  assert.equal(seg.flush()!.durationMs, 120);
  assert.equal(seg.flush(), undefined);
});

test('a new SPS mid-segment cuts at the next keyframe with a discontinuity, before the target', () => {
  const frames: Frame[] = [...avStream(1.5, 15)];
  frames.push(avcSequenceHeaderFrame(1500, Buffer.from('014d0028ffe10005674d0028010100026800', 'hex')));
  for (let i = 0; i < 30; i++) frames.push(avcFrame(1500 + i * 33, i === 0));
  const { out } = run(frames);
  assert.deepEqual(out.map((s) => [s.startDts, s.discontinuity]), [[0, false], [1500, true]]);
});

test('the size cap forces a cut and bounds every segment', () => {
  const frames: Frame[] = [avcSequenceHeaderFrame()];
  for (let i = 0; i < 90; i++) frames.push(avcFrame(i * 33, i % 30 === 0, { size: 2000 }));
  const { out, seg } = run(frames, { maxSegmentBytes: 20_000 });
  assert.ok(out.length >= 3);
  for (const s of out) assert.ok(s.byteLength < 20_000 + 2400, String(s.byteLength));
  assert.equal(out[1]!.discontinuity, true, 'frames were dropped before the next keyframe');
  assert.ok(seg.stats.droppedFrames > 0);
});

test('program date time follows the injected clock and the media timeline', () => {
  let now = Date.UTC(2024, 4, 1, 12, 0, 0);
  const seg = new Segmenter({ now: () => now });
  const out: Segment[] = [];
  for (const f of avStream(4.5, 30)) {
    out.push(...seg.push(f));
    now += 7; // wall clock drifts; PDT stays on the media timeline
  }
  // anchored when the first segment opened (after the two sequence headers), then media time only
  assert.deepEqual(out.map((s) => s.programDateTime.toISOString()), ['2024-05-01T12:00:00.014Z', '2024-05-01T12:00:02.014Z']);
});

test('malformed frames are counted and dropped, unsupported codecs warned once; push never throws', () => {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m) => void warnings.push(m),
    error: () => undefined,
    child: () => log,
    isLevelEnabled: () => true,
  };
  const frames: Frame[] = [...avStream(1, 30)];
  frames.splice(5, 0, new TestFrame({ track: 'video', codec: 'h264', dts: 100, payload: Buffer.from('270100000000000fff', 'hex'), dataOffset: 5 }));
  frames.push(new TestFrame({ track: 'audio', codec: 'mp3', dts: 900, payload: Buffer.of(0x2f, 1), dataOffset: 1 }));
  frames.push(new TestFrame({ track: 'audio', codec: 'mp3', dts: 920, payload: Buffer.of(0x2f, 1), dataOffset: 1 }));
  frames.push(new TestFrame({ track: 'video', codec: 'h264', dts: 950, sequenceHeader: true, payload: Buffer.of(0x17, 0, 0, 0, 0, 9), dataOffset: 5 }));
  const { seg, out } = run(frames, { logger: log });
  assert.equal(out.length, 1);
  assert.equal(seg.stats.badFrames, 2);
  assert.equal(warnings.filter((w) => w.includes('not supported')).length, 1);
  assert.equal(warnings.filter((w) => w.includes('malformed')).length, 2);
});
