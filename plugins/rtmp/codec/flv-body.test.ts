import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameInit } from 'xlive/sdk';
import { SeededRandom } from '../../../test/helpers/seeded-random.js';

const { ParseError } = await import('xlive/sdk');
const { parseVideoBody, parseAudioBody } = await import('./flv-body.js');
const { mediaInfoOf } = await import('./media-info.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const fourcc = (s: string) => Buffer.from(s, 'latin1').toString('hex');

/** Real x264 parameter sets (1920x1080 High, cropped from 1088 lines), as an AVCDecoderConfigurationRecord. */
const SPS_1080 = '67640028acd940780227e5c044000003000400000300f03c60c658';
const PPS = '68ebe3cb22c0';
const AVCC_1080 = `01 64 00 28 ff e1 ${(SPS_1080.length / 2).toString(16).padStart(4, '0')} ${SPS_1080} 01 ${(PPS.length / 2).toString(16).padStart(4, '0')} ${PPS}`;

function frameOf(result: ReturnType<typeof parseVideoBody>): FrameInit {
  assert.ok('frame' in result, `expected a frame, got ${JSON.stringify(result)}`);
  return result.frame;
}
const pick = (f: FrameInit) => ({ codec: f.codec, key: f.keyframe ?? false, seq: f.sequenceHeader ?? false, cts: f.cts ?? 0, off: f.dataOffset });

describe('flv video bodies (FLV 10.1 E.4.3, legacy)', () => {
  it('reads an AVC sequence header', () => {
    const f = frameOf(parseVideoBody(hex('17 00 000000' + AVCC_1080), 100));
    assert.deepEqual(pick(f), { codec: 'h264', key: false, seq: true, cts: 0, off: 5 });
    assert.equal(f.dts, 100);
    assert.deepEqual(mediaInfoOf(f), { video: { codec: 'h264', width: 1920, height: 1080, profile: 'High' } });
  });

  it('reads AVC NALU frames with signed composition time', () => {
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('17 01 ffffc0 00000001 65'), 0))), { codec: 'h264', key: true, seq: false, cts: -64, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('27 01 000021 00000001 41'), 0))), { codec: 'h264', key: false, seq: false, cts: 33, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('17 02 000000'), 0))), { codec: 'h264', key: false, seq: false, cts: 0, off: 5 });
  });

  it('reads codec id 12 as HEVC and passes other codecs through', () => {
    assert.equal(frameOf(parseVideoBody(hex('1c 01 000000 00'), 0)).codec, 'h265');
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('12 0000'), 0))), { codec: 'unknown-video', key: true, seq: false, cts: 0, off: 1 });
  });

  it('skips command frames and empty messages, and refuses truncated headers', () => {
    assert.ok('skip' in parseVideoBody(hex('57 00'), 0));
    assert.ok('skip' in parseVideoBody(Buffer.alloc(0), 0));
    assert.throws(() => parseVideoBody(hex('17'), 0), ParseError);
    assert.throws(() => parseVideoBody(hex('17 05 000000'), 0), /unknown avc packet type 5/);
  });
});

describe('flv video bodies (Enhanced RTMP)', () => {
  it('reads hvc1 SequenceStart, CodedFrames (with cts) and CodedFramesX (cts 0)', () => {
    const seq = frameOf(parseVideoBody(hex('90' + fourcc('hvc1') + '01 02 03'), 0));
    assert.deepEqual(pick(seq), { codec: 'h265', key: false, seq: true, cts: 0, off: 5 });
    assert.deepEqual(mediaInfoOf(seq), { video: { codec: 'h265' } });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('91' + fourcc('hvc1') + '000010 00000002 2601'), 0))), { codec: 'h265', key: true, seq: false, cts: 16, off: 8 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('a3' + fourcc('hvc1') + '00000002 0201'), 0))), { codec: 'h265', key: false, seq: false, cts: 0, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('92' + fourcc('hvc1')), 0))), { codec: 'h265', key: false, seq: false, cts: 0, off: 5 });
  });

  it('reads av01 SequenceStart, CodedFrames without cts, and MPEG2TSSequenceStart', () => {
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('90' + fourcc('av01') + '81 00 0c 00'), 0))), { codec: 'av1', key: false, seq: true, cts: 0, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('91' + fourcc('av01') + '12 00 0a 0b'), 0))), { codec: 'av1', key: true, seq: false, cts: 0, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('95' + fourcc('av01') + '80 04 81 00 0c 00'), 0))), { codec: 'av1', key: false, seq: true, cts: 0, off: 5 });
    assert.equal(frameOf(parseVideoBody(hex('a1' + fourcc('vp09') + '00'), 0)).codec, 'vp9');
    assert.equal(frameOf(parseVideoBody(hex('a1' + fourcc('xyz1') + '00'), 0)).codec, 'unknown-video');
  });

  it('skips ModEx blocks to the real packet type', () => {
    // ModEx: size-1 = 2, 3 bytes of data, then modExType 0 | packetType 1 (CodedFrames).
    const f = frameOf(parseVideoBody(hex('97 02 aabbcc 01' + fourcc('hvc1') + '000005 00000001 26'), 0));
    assert.deepEqual(pick(f), { codec: 'h265', key: true, seq: false, cts: 5, off: 13 });
  });

  it('skips command frames and multitrack, refuses truncated FourCCs', () => {
    assert.ok('skip' in parseVideoBody(hex('d0 00'), 0));
    assert.ok('skip' in parseVideoBody(hex('96 00' + fourcc('hvc1')), 0));
    assert.throws(() => parseVideoBody(hex('91 6876'), 0), ParseError);
  });
});

describe('flv audio bodies', () => {
  it('reads AAC sequence headers and raw frames', () => {
    const seq = parseAudioBody(hex('af 00 1190 56e500'), 0);
    assert.ok('frame' in seq);
    assert.deepEqual([seq.frame.codec, seq.frame.sequenceHeader, seq.frame.dataOffset], ['aac', true, 2]);
    assert.deepEqual(mediaInfoOf(seq.frame), { audio: { codec: 'aac', sampleRate: 48000, channels: 2 } });
    const raw = parseAudioBody(hex('af 01 2100'), 0);
    assert.ok('frame' in raw && raw.frame.sequenceHeader === false);
  });

  it('reads MP3 and its rate and channels from the legacy header', () => {
    const r = parseAudioBody(hex('2f fffb'), 0);
    assert.ok('frame' in r);
    assert.deepEqual([r.frame.codec, r.frame.dataOffset], ['mp3', 1]);
    assert.deepEqual(mediaInfoOf(r.frame), { audio: { codec: 'mp3', sampleRate: 44100, channels: 2 } });
  });

  it('reads Enhanced RTMP audio (ExHeader FourCC)', () => {
    const seq = parseAudioBody(hex('90' + fourcc('Opus') + '4f707573'), 0);
    assert.ok('frame' in seq);
    assert.deepEqual([seq.frame.codec, seq.frame.sequenceHeader, seq.frame.dataOffset], ['opus', true, 5]);
    const aac = parseAudioBody(hex('91' + fourcc('mp4a') + '21'), 0);
    assert.ok('frame' in aac && aac.frame.codec === 'aac' && !aac.frame.sequenceHeader);
    assert.ok('skip' in parseAudioBody(hex('94' + fourcc('Opus') + '00'), 0));
    assert.ok('skip' in parseAudioBody(hex('95 00'), 0));
    assert.throws(() => parseAudioBody(hex('af'), 0), ParseError);
  });

  it('never throws anything but ParseError on 3000 random bodies', () => {
    const rnd = new SeededRandom(5);
    for (let i = 0; i < 3000; i++) {
      const b = rnd.bytes(rnd.int(24));
      for (const parse of [parseVideoBody, parseAudioBody]) {
        try {
          const r = parse(b, 0);
          if ('frame' in r) {
            assert.ok(r.frame.dataOffset! <= b.length);
            mediaInfoOf(r.frame);
          }
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }
    }
  });
});
