import { BitReader } from '../bytes/bit-reader.js';
import { ParseError } from '../errors.js';
import { unescapeRbsp } from './rbsp.js';

/** The parts of an H.264 sequence parameter set xlive shows. */
export interface SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags and reserved bits, as the byte after profile_idc. */
  constraints: number;
  levelIdc: number;
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma format and bit depths (H.264 7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

const PROFILE_NAMES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4 Predictive',
  44: 'CAVLC 4:4:4 Intra',
};

/** Profile name (H.264 Annex A); constraint_set1 on Baseline means Constrained Baseline (A.2.2). */
export function avcProfileName(profileIdc: number, constraints = 0): string {
  if (profileIdc === 66 && (constraints & 0x40) !== 0) return 'Constrained Baseline';
  return PROFILE_NAMES[profileIdc] ?? `profile ${profileIdc}`;
}

/** scaling_list() (H.264 7.3.2.1.1.1): only parsed to be skipped. */
function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      next = (last + r.se('delta_scale') + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/**
 * Parse an SPS NAL unit (with its 1-byte NAL header) for profile, level and cropped size (H.264
 * 7.3.2.1.1). `base` is the NAL's offset in the caller's buffer, for errors (which, after
 * emulation-prevention bytes, point near the field, not exactly at it).
 */
export function parseSps(nal: Uint8Array, base = 0): SpsInfo {
  const r = new BitReader(unescapeRbsp(nal), base);
  r.u(8, 'nal header');
  const profileIdc = r.u(8, 'profile_idc');
  const constraints = r.u(8, 'constraint flags');
  const levelIdc = r.u(8, 'level_idc');
  r.ue('seq_parameter_set_id');
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue('chroma_format_idc');
    if (chromaFormatIdc === 3) separateColourPlane = r.flag('separate_colour_plane_flag');
    r.ue('bit_depth_luma_minus8');
    r.ue('bit_depth_chroma_minus8');
    r.flag('qpprime_y_zero_transform_bypass_flag');
    if (r.flag('seq_scaling_matrix_present_flag')) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) {
        if (r.flag('seq_scaling_list_present_flag')) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  r.ue('log2_max_frame_num_minus4');
  const pocType = r.ue('pic_order_cnt_type');
  if (pocType === 0) {
    r.ue('log2_max_pic_order_cnt_lsb_minus4');
  } else if (pocType === 1) {
    r.flag('delta_pic_order_always_zero_flag');
    r.se('offset_for_non_ref_pic');
    r.se('offset_for_top_to_bottom_field');
    const n = r.ue('num_ref_frames_in_pic_order_cnt_cycle');
    if (n > 255) throw new ParseError(`num_ref_frames_in_pic_order_cnt_cycle ${n} > 255`, r.byteOffset());
    for (let i = 0; i < n; i++) r.se('offset_for_ref_frame');
  }
  r.ue('max_num_ref_frames');
  r.flag('gaps_in_frame_num_value_allowed_flag');
  const widthMbs = r.ue('pic_width_in_mbs_minus1') + 1;
  const heightMapUnits = r.ue('pic_height_in_map_units_minus1') + 1;
  const frameMbsOnly = r.flag('frame_mbs_only_flag') ? 1 : 0;
  if (!frameMbsOnly) r.flag('mb_adaptive_frame_field_flag');
  r.flag('direct_8x8_inference_flag');
  let crop = [0, 0, 0, 0];
  if (r.flag('frame_cropping_flag')) {
    crop = [r.ue('crop_left'), r.ue('crop_right'), r.ue('crop_top'), r.ue('crop_bottom')];
  }
  // Crop units (H.264 7.4.2.1.1, Table 6-1): chroma subsampling and field coding scale them.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - (crop[0]! + crop[1]!) * cropUnitX;
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - (crop[2]! + crop[3]!) * cropUnitY;
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    throw new ParseError(`sps picture size ${width}x${height} out of range`, base);
  }
  return { profileIdc, constraints, levelIdc, width, height };
}
