import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from 'xlive/sdk';
import { avcCodecString, parseAvcConfig } from './avc-config.js';
import { avcConfigRecord, TEST_PPS, TEST_SPS } from '../testing/synthetic-frames.js';

test('parses profile, level, NALU length size, SPS and PPS of an AVCDecoderConfigurationRecord', () => {
  const rec = Buffer.from('0164001fffe100076764001facd94001000468ebe3cb', 'hex');
  const cfg = parseAvcConfig(rec);
  assert.equal(cfg.profileIdc, 0x64);
  assert.equal(cfg.levelIdc, 0x1f);
  assert.equal(cfg.nalLengthSize, 4);
  assert.deepEqual(cfg.sps.map((s) => Buffer.from(s)), [Buffer.from(TEST_SPS)]);
  assert.deepEqual(cfg.pps.map((s) => Buffer.from(s)), [Buffer.from(TEST_PPS)]);
  assert.equal(avcCodecString(cfg), 'avc1.64001f');
  assert.deepEqual(rec, avcConfigRecord());
});

test('SPS/PPS are views into the input, not copies', () => {
  const rec = avcConfigRecord();
  const cfg = parseAvcConfig(rec);
  assert.equal(cfg.sps[0]!.buffer, rec.buffer);
});

test('lengthSizeMinusOne 1 gives 2-byte lengths; extra high-profile bytes are ignored', () => {
  const rec = Buffer.concat([Buffer.from('0164001ffd', 'hex'), avcConfigRecord().subarray(5), Buffer.from('fdf8f800', 'hex')]);
  assert.equal(parseAvcConfig(rec).nalLengthSize, 2);
});

test('malformed records are ParseErrors naming the byte offset', () => {
  const good = avcConfigRecord();
  for (let cut = 0; cut < good.length; cut++) {
    assert.throws(() => parseAvcConfig(good.subarray(0, cut)), ParseError, `cut at ${cut}`);
  }
  const v0 = Buffer.from(good);
  v0[0] = 0;
  assert.throws(() => parseAvcConfig(v0), /configurationVersion 0.*\(at byte 0\)/);
  const len3 = Buffer.from(good);
  len3[4] = 0xfe;
  assert.throws(() => parseAvcConfig(len3, 5), /3-byte NALU lengths.*\(at byte 9\)/);
  const overlong = Buffer.from(good);
  overlong[7] = 0xff; // SPS length 0x00ff > what is left
  assert.throws(() => parseAvcConfig(overlong), /sequenceParameterSet\[0\]/);
});
