import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bits, hex } from '../../../test/helpers/test-bytes.js';
import { ParseError } from '../errors.js';
import { avcCodecString, parseAvcConfig } from './avc-config.js';
import { avcProfileName, parseSps } from './sps.js';

/** A short High-profile SPS and a PPS (the HLS tests' synthetic pair), and their AVCDecoderConfigurationRecord. */
const TEST_SPS = hex('67 64 00 1f ac d9 40');
const TEST_PPS = hex('68 eb e3 cb');
const RECORD = hex('01 64 00 1f ff e1 0007 6764001facd940 01 0004 68ebe3cb');

describe('H.264 SPS', () => {
  it('reads 1920x1080 High from a real x264 SPS (cropped from 1088 lines)', () => {
    assert.deepEqual(parseSps(hex('67640028acd940780227e5c044000003000400000300f03c60c658')), {
      profileIdc: 100,
      constraints: 0,
      levelIdc: 40,
      width: 1920,
      height: 1080,
    });
  });

  it('reads 640x360 from a real x264 SPS', () => {
    const sps = parseSps(hex('6764001eacd940a02ff970110000030001000003003c0f162d96'));
    assert.deepEqual([sps.width, sps.height, sps.levelIdc], [640, 360, 30]);
  });

  it('reads a Baseline SPS with pic_order_cnt_type 2 and no cropping', () => {
    // profile 66, level 30, sps id 0, log2_max_frame_num-4 = 0, poc type 2, 1 ref frame, no gaps,
    // width 20 MBs (320), height 15 map units (240), frame_mbs_only, direct_8x8, no cropping, vui 0.
    const nal = Buffer.concat([hex('67 42 c0 1e'), bits('1 1 011 010 0 000010100 0001111 1 1 0 0 1')]);
    const sps = parseSps(nal);
    assert.deepEqual(sps, { profileIdc: 66, constraints: 0xc0, levelIdc: 30, width: 320, height: 240 });
    assert.equal(avcProfileName(sps.profileIdc, sps.constraints), 'Constrained Baseline');
    // the same SPS inside a record (with its numOfPictureParameterSets byte, 0)
    const cfg = parseAvcConfig(Buffer.concat([hex('01 42 c0 1e ff e1'), Buffer.from([0, nal.length]), nal, hex('00')]));
    assert.deepEqual(parseSps(cfg.sps[0]!), sps);
  });

  it('names profiles (Annex A) and falls back to the number', () => {
    assert.deepEqual([avcProfileName(66), avcProfileName(77), avcProfileName(100), avcProfileName(99)], ['Baseline', 'Main', 'High', 'profile 99']);
  });
});

describe('AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1)', () => {
  it('parses profile, level, NALU length size, SPS and PPS', () => {
    const cfg = parseAvcConfig(RECORD);
    assert.equal(cfg.profileIdc, 0x64);
    assert.equal(cfg.levelIdc, 0x1f);
    assert.equal(cfg.nalLengthSize, 4);
    assert.deepEqual(cfg.sps.map((s) => Buffer.from(s)), [TEST_SPS]);
    assert.deepEqual(cfg.pps.map((s) => Buffer.from(s)), [TEST_PPS]);
    assert.equal(avcCodecString(cfg), 'avc1.64001f');
  });

  it('SPS/PPS are views into the input, not copies', () => {
    const cfg = parseAvcConfig(RECORD);
    assert.equal(cfg.sps[0]!.buffer, RECORD.buffer);
  });

  it('a record with no SPS gives only the profile fields', () => {
    const cfg = parseAvcConfig(hex('01 4d 40 1f ff e0 00'));
    assert.deepEqual([cfg.profileIdc, cfg.sps.length, cfg.pps.length], [0x4d, 0, 0]);
    assert.equal(avcProfileName(cfg.profileIdc), 'Main');
  });

  it('lengthSizeMinusOne 1 gives 2-byte lengths; extra high-profile bytes are ignored', () => {
    const rec = Buffer.concat([hex('0164001ffd'), RECORD.subarray(5), hex('fdf8f800')]);
    assert.equal(parseAvcConfig(rec).nalLengthSize, 2);
  });

  it('malformed records are ParseErrors naming the byte offset', () => {
    for (let cut = 0; cut < RECORD.length; cut++) {
      assert.throws(() => parseAvcConfig(RECORD.subarray(0, cut)), ParseError, `cut at ${cut}`);
    }
    assert.throws(() => parseAvcConfig(hex('02 4d 40 1f ff e0')), /configurationVersion 2/);
    assert.throws(() => parseAvcConfig(hex('01 4d 40 1f ff e1 0010 67')), ParseError);
    const v0 = Buffer.from(RECORD);
    v0[0] = 0;
    assert.throws(() => parseAvcConfig(v0), /configurationVersion 0.*\(at byte 0\)/);
    const len3 = Buffer.from(RECORD);
    len3[4] = 0xfe;
    assert.throws(() => parseAvcConfig(len3, 5), /3-byte NALU lengths.*\(at byte 9\)/);
    const overlong = Buffer.from(RECORD);
    overlong[7] = 0xff; // SPS length 0x00ff > what is left
    assert.throws(() => parseAvcConfig(overlong), /sequenceParameterSet\[0\]/);
    const empty = hex('01 64 00 1f ff e1 0000 00');
    assert.throws(() => parseAvcConfig(empty), /sequenceParameterSet\[0\] is empty \(at byte 6\)/);
  });
});
