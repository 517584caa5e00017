import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../../test/helpers/seeded-random.js';
import { ParseError } from '../errors.js';
import type { FrameInit } from '../frame-init.js';
import { parseFlvAudioBody as parseAudioBody, parseFlvVideoBody as parseVideoBody, parseFlvScriptBody, type FlvBody } from './flv-tag-body.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const fourcc = (s: string) => Buffer.from(s, 'latin1').toString('hex');

const AVCC = '01 64 00 28 ff e1 0004 67640028 01 0002 68eb';

function frameOf(result: FlvBody): FrameInit {
  assert.ok('frame' in result, `expected a frame, got ${JSON.stringify(result)}`);
  return result.frame;
}
const pick = (f: FrameInit) => ({ codec: f.codec, key: f.keyframe ?? false, seq: f.sequenceHeader ?? false, cts: f.cts ?? 0, off: f.dataOffset });

describe('flv video bodies (FLV 10.1 E.4.3, legacy)', () => {
  it('reads an AVC sequence header', () => {
    const body = parseVideoBody(hex('17 00 000000' + AVCC), 100);
    assert.deepEqual(pick(frameOf(body)), { codec: 'h264', key: false, seq: true, cts: 0, off: 5 });
    assert.equal(frameOf(body).dts, 100);
    assert.ok('packet' in body && body.packet === 'sequence-start');
  });

  it('reads AVC NALU frames with signed composition time', () => {
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('17 01 ffffc0 00000001 65'), 0))), { codec: 'h264', key: true, seq: false, cts: -64, off: 5 });
    assert.deepEqual(pick(frameOf(parseVideoBody(hex('27 01 000021 00000001 41'), 0))), { codec: 'h264', key: false, seq: false, cts: 33, off: 5 });
    const end = parseVideoBody(hex('17 02 000000'), 0);
    assert.deepEqual(pick(frameOf(end)), { codec: 'h264', key: false, seq: false, cts: 0, off: 5 });
    assert.ok('packet' in end && end.packet === 'sequence-end');
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
    assert.equal(seq.packet, 'sequence-start');
    const raw = parseAudioBody(hex('af 01 2100'), 0);
    assert.ok('frame' in raw && raw.frame.sequenceHeader === false);
  });

  it('reads MP3 as a raw packet after the one-byte legacy header', () => {
    const r = parseAudioBody(hex('2f fffb'), 0);
    assert.ok('frame' in r);
    assert.deepEqual([r.frame.codec, r.frame.dataOffset, r.packet], ['mp3', 1, 'raw']);
  });

  it('reads script data as a data frame', () => {
    const r = parseFlvScriptBody(hex('02 000a 6f6e4d65746144617461'), 7);
    assert.ok('frame' in r);
    assert.deepEqual([r.frame.track, r.frame.codec, r.frame.dts, r.packet], ['data', 'amf0', 7, 'script']);
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
          if ('frame' in r) assert.ok(r.frame.dataOffset! <= b.length && r.frame.payload === b);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }
    }
  });
});
