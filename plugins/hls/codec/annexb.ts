import { ParseError } from 'xlive/sdk';
import { HEVC_NAL } from 'xlive/media';

/**
 * AVCC/HVCC (length-prefixed, ISO/IEC 14496-15) → Annex B byte stream (ITU-T H.264/H.265 Annex B).
 * Each access unit gets exactly one access unit delimiter first (H.222.0 §2.14.1 requires AUDs for
 * H.264 in MPEG-TS); keyframes get the parameter sets from the decoder configuration record unless
 * the frame already carries them. The result is a list of views (start codes, constant NALs and
 * subarrays of the input) plus its total length, so a packetizer can copy them once into its output.
 */

export type AnnexBCodec = 'h264' | 'h265';

/** Parameter sets and NALU length size of the current decoder configuration record. */
export interface VideoParams {
  codec: AnnexBCodec;
  nalLengthSize: 1 | 2 | 4;
  /** HEVC only. */
  vps: readonly Uint8Array[];
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
}

export interface AnnexBParts {
  parts: Uint8Array[];
  byteLength: number;
  /** True when the access unit is a keyframe (IDR / IRAP) by flag or by its NAL types. */
  keyframe: boolean;
}

/** Annex B start code prefix (B.1.1): zero_byte + start_code_prefix_one_3bytes. Never written to. */
const START_CODE: Readonly<Uint8Array> = Uint8Array.of(0x00, 0x00, 0x00, 0x01);
/** H.264 AUD (7.3.2.4): nal_unit_type 9, primary_pic_type 7 (any slice type), rbsp stop bit. */
const H264_AUD: Readonly<Uint8Array> = Uint8Array.of(0x09, 0xf0);
/** H.265 AUD (7.3.2.5): NAL header type 35, layer 0, tid+1 = 1; pic_type 2 (B, P, I), stop bit. */
const HEVC_AUD: Readonly<Uint8Array> = Uint8Array.of(0x46, 0x01, 0x50);

const H264_NAL = { IDR: 5, SPS: 7, PPS: 8, AUD: 9 } as const;

/** Splits length-prefixed NAL units into views; zero-length units are skipped. */
export function splitLengthPrefixed(data: Uint8Array, nalLengthSize: number, baseOffset = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + nalLengthSize > data.length) {
      throw new ParseError(`truncated NALU length: ${data.length - pos} bytes left, need ${nalLengthSize}`, baseOffset + pos);
    }
    let len = 0;
    for (let i = 0; i < nalLengthSize; i++) len = len * 256 + data[pos + i]!;
    pos += nalLengthSize;
    if (len > data.length - pos) {
      throw new ParseError(`NALU length ${len} exceeds the ${data.length - pos} bytes left`, baseOffset + pos - nalLengthSize);
    }
    if (len > 0) out.push(data.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

function nalType(codec: AnnexBCodec, nalu: Uint8Array): number {
  // H.264 nal_unit_header: forbidden_zero_bit (1) nal_ref_idc (2) nal_unit_type (5)
  // H.265 nal_unit_header: forbidden_zero_bit (1) nal_unit_type (6) nuh_layer_id (6) tid (3)
  return codec === 'h264' ? nalu[0]! & 0x1f : (nalu[0]! >> 1) & 0x3f;
}

/**
 * Builds the Annex B views for one access unit of length-prefixed NALUs. Existing AUDs are dropped
 * and one is put first. Returns `byteLength` 0 when the access unit holds no NAL units.
 */
export function annexBParts(data: Uint8Array, params: VideoParams, keyframeFlag: boolean, baseOffset = 0): AnnexBParts {
  const nalus = splitLengthPrefixed(data, params.nalLengthSize, baseOffset);
  const h264 = params.codec === 'h264';
  const audType = h264 ? H264_NAL.AUD : HEVC_NAL.AUD;
  let keyframe = keyframeFlag;
  let hasVps = false;
  let hasSps = false;
  let hasPps = false;
  let count = 0;
  for (const n of nalus) {
    const t = nalType(params.codec, n);
    if (t === audType) continue;
    count++;
    if (h264) {
      if (t === H264_NAL.IDR) keyframe = true;
      else if (t === H264_NAL.SPS) hasSps = true;
      else if (t === H264_NAL.PPS) hasPps = true;
    } else if (t >= HEVC_NAL.IRAP_FIRST && t <= HEVC_NAL.IRAP_LAST) keyframe = true;
    else if (t === HEVC_NAL.VPS) hasVps = true;
    else if (t === HEVC_NAL.SPS) hasSps = true;
    else if (t === HEVC_NAL.PPS) hasPps = true;
  }
  if (count === 0) return { parts: [], byteLength: 0, keyframe };

  const parts: Uint8Array[] = [];
  let byteLength = 0;
  const add = (nalu: Uint8Array): void => {
    parts.push(START_CODE, nalu);
    byteLength += START_CODE.length + nalu.length;
  };
  add(h264 ? H264_AUD : HEVC_AUD);
  if (keyframe) {
    if (!h264 && !hasVps) params.vps.forEach(add);
    if (!hasSps) params.sps.forEach(add);
    if (!hasPps) params.pps.forEach(add);
  }
  for (const n of nalus) if (nalType(params.codec, n) !== audType) add(n);
  return { parts, byteLength, keyframe };
}

/** Copies views into one buffer allocated at its final size. */
export function concatParts(parts: readonly Uint8Array[], byteLength: number): Buffer {
  const out = Buffer.allocUnsafe(byteLength);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Convenience: one access unit as a single Annex B buffer (allocated at its final size). */
export function toAnnexB(data: Uint8Array, params: VideoParams, keyframe: boolean): Buffer {
  const { parts, byteLength } = annexBParts(data, params, keyframe);
  return concatParts(parts, byteLength);
}
