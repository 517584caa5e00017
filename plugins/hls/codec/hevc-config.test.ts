import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from 'xlive/sdk';
import { parseHevcConfig } from './hevc-config.js';
import { buildHvcc } from '../testing/hevc-ertmp-frames.js';

// VPS/SPS/PPS NAL headers: type << 1, layer 0, tid+1 = 1. SPS: vps id 0, 1 sub-layer, nesting,
// then profile_tier_level: Main (space 0, tier 0, idc 1), compat 0x60000000, constraints 0x90..., level 93.
const VPS = Uint8Array.of(0x40, 0x01, 0x0c, 0x01, 0xff, 0xff);
const SPS = Uint8Array.of(0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x5d, 0xa0);
const PPS = Uint8Array.of(0x44, 0x01, 0xc1, 0x72);

test('parses an HEVCDecoderConfigurationRecord: profile, level, length size, VPS/SPS/PPS', () => {
  const rec = buildHvcc(VPS, SPS, PPS);
  assert.equal(rec.length, 23 + 3 * 5 + VPS.length + SPS.length + PPS.length);
  // profile_tier_level bytes were copied from the SPS with emulation prevention removed
  assert.equal(rec.subarray(1, 13).toString('hex'), '016000000090000000000' + '05d');
  const cfg = parseHevcConfig(rec);
  assert.equal(cfg.generalProfileIdc, 1);
  assert.equal(cfg.generalTierFlag, 0);
  assert.equal(cfg.generalLevelIdc, 0x5d);
  assert.equal(cfg.nalLengthSize, 4);
  assert.deepEqual([cfg.vps, cfg.sps, cfg.pps].map((l) => l.map((n) => Buffer.from(n).toString('hex'))), [
    [Buffer.from(VPS).toString('hex')],
    [Buffer.from(SPS).toString('hex')],
    [Buffer.from(PPS).toString('hex')],
  ]);
});

test('arrays of other NAL types are kept apart; several NALUs per array are read', () => {
  const head = buildHvcc(VPS, SPS, PPS).subarray(0, 22);
  const sei = Uint8Array.of(0x4e, 0x01, 0x05);
  const rec = Buffer.concat([
    head,
    Buffer.of(2), // numOfArrays
    Buffer.of(0x27, 0x00, 0x01, 0x00, sei.length), // prefix SEI array, 1 NALU
    Buffer.from(sei),
    Buffer.of(0xa1, 0x00, 0x02, 0x00, SPS.length), // SPS array, 2 NALUs
    Buffer.from(SPS),
    Buffer.of(0x00, SPS.length),
    Buffer.from(SPS),
  ]);
  const cfg = parseHevcConfig(rec);
  assert.equal(cfg.sps.length, 2);
  assert.equal(cfg.other.length, 1);
  assert.equal(cfg.vps.length, 0);
});

test('malformed records are ParseErrors', () => {
  const good = buildHvcc(VPS, SPS, PPS);
  for (let cut = 0; cut < good.length; cut++) {
    assert.throws(() => parseHevcConfig(good.subarray(0, cut)), ParseError, `cut at ${cut}`);
  }
  const v2 = Buffer.from(good);
  v2[0] = 2;
  assert.throws(() => parseHevcConfig(v2), /configurationVersion 2/);
  const len3 = Buffer.from(good);
  len3[21] = (len3[21]! & 0xfc) | 2;
  assert.throws(() => parseHevcConfig(len3), /3-byte NALU lengths.*\(at byte 21\)/);
  const tiny = Buffer.from(good);
  tiny.writeUInt16BE(1, 26); // VPS nalUnitLength 1: shorter than a NAL header
  assert.throws(() => parseHevcConfig(tiny), /shorter than a NAL header \(at byte 26\)/);
});
