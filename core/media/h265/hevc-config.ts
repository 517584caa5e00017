import { ByteCursor } from '../bytes/byte-cursor.js';

/** HEVC NAL unit types used by the remuxer (ITU-T H.265 Table 7-1). */
export const HEVC_NAL = {
  /** IRAP pictures are types 16 (BLA_W_LP) .. 23 (RSV_IRAP_VCL23). */
  IRAP_FIRST: 16,
  IRAP_LAST: 23,
  VPS: 32,
  SPS: 33,
  PPS: 34,
  AUD: 35,
} as const;

/** The parts of an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1) a remuxer needs. */
export interface HevcConfig {
  generalProfileSpace: number;
  generalTierFlag: number;
  generalProfileIdc: number;
  generalLevelIdc: number;
  /** Bytes of the length prefix before each NALU in samples: 1, 2 or 4. */
  nalLengthSize: 1 | 2 | 4;
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
  /** Other arrays (SEI, …), kept in order but not inserted by the remuxer. */
  other: Uint8Array[];
}

/**
 * Parses an HEVCDecoderConfigurationRecord; throws ParseError (offset `base` + position) on malformed
 * input. Parameter sets are views into `data`.
 */
export function parseHevcConfig(data: Uint8Array, base = 0): HevcConfig {
  const c = new ByteCursor(data, base, 'HEVCDecoderConfigurationRecord');
  const version = c.u8('configurationVersion');
  if (version !== 1) c.fail(`configurationVersion ${version}, expected 1`, 0);
  // general_profile_space (2) general_tier_flag (1) general_profile_idc (5)
  const b1 = c.u8('general_profile_idc');
  // general_profile_compatibility_flags (32) + general_constraint_indicator_flags (48)
  c.skip(10, 'general_profile_compatibility/constraint flags');
  const generalLevelIdc = c.u8('general_level_idc');
  // min_spatial_segmentation_idc (16 incl. reserved), parallelismType, chromaFormat,
  // bitDepthLumaMinus8, bitDepthChromaMinus8 (1 byte each), avgFrameRate (16)
  c.skip(8, 'segmentation/format/frame rate fields');
  // constantFrameRate (2) numTemporalLayers (3) temporalIdNested (1) lengthSizeMinusOne (2)
  const lengthSize = (c.u8('lengthSizeMinusOne') & 0x03) + 1;
  if (lengthSize === 3) c.fail('lengthSizeMinusOne 2 (3-byte NALU lengths) is not allowed', c.pos - 1);
  const numArrays = c.u8('numOfArrays');
  const cfg: HevcConfig = {
    generalProfileSpace: b1 >> 6,
    generalTierFlag: (b1 >> 5) & 1,
    generalProfileIdc: b1 & 0x1f,
    generalLevelIdc,
    nalLengthSize: lengthSize as 1 | 2 | 4,
    vps: [],
    sps: [],
    pps: [],
    other: [],
  };
  for (let a = 0; a < numArrays; a++) {
    // array_completeness (1) reserved (1) NAL_unit_type (6)
    const nalType = c.u8(`array[${a}] NAL_unit_type`) & 0x3f;
    const numNalus = c.u16(`array[${a}] numNalus`);
    const list =
      nalType === HEVC_NAL.VPS ? cfg.vps : nalType === HEVC_NAL.SPS ? cfg.sps : nalType === HEVC_NAL.PPS ? cfg.pps : cfg.other;
    for (let i = 0; i < numNalus; i++) {
      const len = c.u16(`array[${a}] nalUnitLength[${i}]`);
      if (len < 2) c.fail(`array[${a}] nalUnit[${i}] has length ${len}, shorter than a NAL header`, c.pos - 2);
      list.push(c.bytes(len, `array[${a}] nalUnit[${i}]`));
    }
  }
  return cfg;
}
