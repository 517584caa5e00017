import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hex } from '../../../test/helpers/test-bytes.js';
import { ParseError } from '../errors.js';
import { parseHevcConfig } from './hevc-config.js';

// VPS/SPS/PPS NAL headers: type << 1, layer 0, tid+1 = 1. SPS: vps id 0, 1 sub-layer, nesting,
// then profile_tier_level: Main (space 0, tier 0, idc 1), compat 0x60000000, constraints 0x90..., level 93.
const VPS = '40010c01ffff';
const SPS = '420101016000000090000003000003005da0';
const PPS = '4401c172';
/** The HEVCDecoderConfigurationRecord the HLS tests' builder (buildHvcc) makes of them. */
const HVCC = hex(
  '01' + // configurationVersion
    '01600000009000000000005d' + // profile_tier_level general fields, emulation prevention removed
    'f000 fc fd f8 f8 0000' + // min_spatial_segmentation_idc, parallelism, chroma 4:2:0, bit depths, avgFrameRate
    '0f' + // constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
    '03' + // numOfArrays
    `a0 0001 0006 ${VPS} a1 0001 0012 ${SPS} a2 0001 0004 ${PPS}`,
);

describe('HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1)', () => {
  it('parses profile, level, length size, VPS/SPS/PPS', () => {
    assert.equal(HVCC.length, 23 + 3 * 5 + (VPS.length + SPS.length + PPS.length) / 2);
    const cfg = parseHevcConfig(HVCC);
    assert.equal(cfg.generalProfileIdc, 1);
    assert.equal(cfg.generalTierFlag, 0);
    assert.equal(cfg.generalLevelIdc, 0x5d);
    assert.equal(cfg.nalLengthSize, 4);
    assert.deepEqual([cfg.vps, cfg.sps, cfg.pps].map((l) => l.map((n) => Buffer.from(n).toString('hex'))), [[VPS], [SPS], [PPS]]);
    assert.equal(cfg.sps[0]!.buffer, HVCC.buffer, 'parameter sets are views');
  });

  it('arrays of other NAL types are kept apart; several NALUs per array are read', () => {
    const sps = hex(SPS);
    const sei = Uint8Array.of(0x4e, 0x01, 0x05);
    const rec = Buffer.concat([
      HVCC.subarray(0, 22),
      Buffer.of(2), // numOfArrays
      Buffer.of(0x27, 0x00, 0x01, 0x00, sei.length), // prefix SEI array, 1 NALU
      Buffer.from(sei),
      Buffer.of(0xa1, 0x00, 0x02, 0x00, sps.length), // SPS array, 2 NALUs
      sps,
      Buffer.of(0x00, sps.length),
      sps,
    ]);
    const cfg = parseHevcConfig(rec);
    assert.equal(cfg.sps.length, 2);
    assert.equal(cfg.other.length, 1);
    assert.equal(cfg.vps.length, 0);
  });

  it('malformed records are ParseErrors naming the byte', () => {
    for (let cut = 0; cut < HVCC.length; cut++) {
      assert.throws(() => parseHevcConfig(HVCC.subarray(0, cut)), ParseError, `cut at ${cut}`);
    }
    const v2 = Buffer.from(HVCC);
    v2[0] = 2;
    assert.throws(() => parseHevcConfig(v2), /configurationVersion 2/);
    const len3 = Buffer.from(HVCC);
    len3[21] = (len3[21]! & 0xfc) | 2;
    assert.throws(() => parseHevcConfig(len3), /3-byte NALU lengths.*\(at byte 21\)/);
    const tiny = Buffer.from(HVCC);
    tiny.writeUInt16BE(1, 26); // VPS nalUnitLength 1: shorter than a NAL header
    assert.throws(() => parseHevcConfig(tiny), /shorter than a NAL header \(at byte 26\)/);
    assert.throws(() => parseHevcConfig(tiny, 1000), (e: unknown) => e instanceof ParseError && e.offset === 1026);
  });
});
