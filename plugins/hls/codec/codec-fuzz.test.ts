import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isXliveError, ParseError, type Frame, type FrameCodec, type TrackKind } from 'xlive/sdk';
import { parseAudioSpecificConfig } from './adts.js';
import { splitLengthPrefixed } from './annexb.js';
import { parseAvcConfig } from './avc-config.js';
import { parseHevcConfig } from './hevc-config.js';
import { Segmenter } from './segmenter.js';
import { TsMuxer } from './ts-muxer.js';
import { avcConfigRecord, avStream } from '../testing/synthetic-frames.js';
import { buildHvcc } from '../testing/hevc-ertmp-frames.js';
import { SeededRandom } from '../../../test/helpers/seeded-random.js';
import { TestFrame } from '../testing/test-frame.js';

/** Seeded fuzzing: random and mutated inputs give results or coded ParseErrors, never crashes. */

function expectParseErrorOrValue(fn: () => unknown, label: string): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ParseError, `${label}: threw ${String(err)}`);
    assert.ok(Number.isInteger(err.offset) && err.offset >= 0, `${label}: offset ${err.offset}`);
  }
}

function mutate(rng: SeededRandom, src: Uint8Array): Uint8Array {
  const out = Uint8Array.from(src);
  const flips = 1 + rng.int(4);
  for (let i = 0; i < flips && out.length; i++) out[rng.int(out.length)] = rng.int(256);
  return rng.int(4) === 0 ? out.subarray(0, rng.int(out.length + 1)) : out;
}

const HVCC = buildHvcc(
  Uint8Array.of(0x40, 0x01, 0x0c, 0x01),
  Uint8Array.of(0x42, 0x01, 0x01, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xa0),
  Uint8Array.of(0x44, 0x01, 0xc1),
);

test('config parsers: 3000 random and mutated inputs → value or ParseError', () => {
  const rng = new SeededRandom(0x5eed);
  const avc = avcConfigRecord();
  for (let i = 0; i < 1000; i++) {
    const rand = rng.bytes(rng.int(48));
    expectParseErrorOrValue(() => parseAvcConfig(rand), `avc random #${i}`);
    expectParseErrorOrValue(() => parseAvcConfig(mutate(rng, avc)), `avc mutated #${i}`);
    expectParseErrorOrValue(() => parseHevcConfig(rand), `hevc random #${i}`);
    expectParseErrorOrValue(() => parseHevcConfig(mutate(rng, HVCC)), `hevc mutated #${i}`);
    expectParseErrorOrValue(() => parseAudioSpecificConfig(rng.bytes(rng.int(6))), `asc #${i}`);
  }
});

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
