import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isXliveError, ParseError, type Frame, type FrameCodec, type TrackKind } from 'xlive/sdk';
import { splitLengthPrefixed } from './annexb.js';
import { Segmenter } from './segmenter.js';
import { TsMuxer } from './ts-muxer.js';
import { avStream } from '../testing/synthetic-frames.js';
import { SeededRandom } from 'xlive/sdk/testing';
import { TestFrame } from '../testing/test-frame.js';

/**
 * Seeded fuzzing of the remuxer: random and mutated inputs give results or coded errors, never
 * crashes. The config parsers it uses are fuzzed in core/media/media-fuzz.test.ts.
 */

test('NALU splitting: random data → views inside the input or ParseError', () => {
  const rng = new SeededRandom(42);
  for (let i = 0; i < 2000; i++) {
    const data = rng.bytes(rng.int(40));
    const size = [1, 2, 4][rng.int(3)]!;
    try {
      const nalus = splitLengthPrefixed(data, size);
      for (const n of nalus) assert.equal(n.buffer, data.buffer);
    } catch (err) {
      assert.ok(err instanceof ParseError);
    }
  }
});

const CODECS: FrameCodec[] = ['h264', 'h265', 'aac', 'mp3', 'av1', 'amf0'];
const TRACKS: TrackKind[] = ['video', 'audio', 'data'];

function randomFrame(rng: SeededRandom, dts: number): Frame {
  const payload = rng.bytes(rng.int(600));
  return new TestFrame({
    track: TRACKS[rng.int(3)]!,
    codec: CODECS[rng.int(CODECS.length)]!,
    dts,
    cts: rng.int(3) === 0 ? rng.int(200) - 50 : 0,
    keyframe: rng.int(2) === 0,
    sequenceHeader: rng.int(8) === 0,
    payload,
    dataOffset: rng.int(Math.min(payload.length, 8) + 1),
  });
}

test('muxer: 3000 random frames → whole packets, nothing, or a coded error', () => {
  const rng = new SeededRandom(7);
  const m = new TsMuxer();
  m.setSequenceHeader(avStream(0)[0]!);
  m.setSequenceHeader(avStream(0)[1]!);
  m.tables();
  let dts = 0;
  for (let i = 0; i < 3000; i++) {
    dts += rng.int(3) === 0 ? rng.int(2 ** 40) - 2 ** 39 : rng.int(50);
    const f = randomFrame(rng, dts);
    try {
      const out = m.muxFrame(f);
      if (out) {
        assert.equal(out.length % 188, 0);
        for (let p = 0; p < out.length; p += 188) assert.equal(out[p], 0x47);
      }
    } catch (err) {
      assert.ok(isXliveError(err), `frame #${i} threw ${String(err)}`);
    }
    if (i % 200 === 0) m.tables();
  }
});

test('segmenter: random and corrupted streams never throw and stay within the size cap', () => {
  const rng = new SeededRandom(99);
  const cap = 50_000;
  const seg = new Segmenter({ maxSegmentBytes: cap });
  let dts = 0;
  for (let i = 0; i < 2000; i++) {
    dts += rng.int(10) === 0 ? rng.int(40_000) - 20_000 : rng.int(40);
    for (const s of seg.push(randomFrame(rng, dts))) assert.ok(s.byteLength < cap + 2000);
  }
  seg.flush();
  // a well-formed A/V stream with random byte damage after the FLV headers
  for (const f of avStream(4, 30)) {
    const copy = Uint8Array.from(f.payload);
    if (rng.int(5) === 0 && copy.length > f.dataOffset) copy[f.dataOffset + rng.int(copy.length - f.dataOffset)] = rng.int(256);
    const damaged = new TestFrame({ ...f, payload: copy });
    for (const s of seg.push(damaged)) assert.equal(s.byteLength % 188, 0);
  }
  assert.ok(seg.stats.badFrames > 0);
});
