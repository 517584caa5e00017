import { HEVC_NAL, unescapeRbsp } from 'xlive/media';
import { TestFrame } from './test-frame.js';

/**
 * Builds Enhanced RTMP `hvc1` frames (E-RTMP v1 ExVideoTagHeader) from an H.265 Annex B elementary
 * stream, the way an E-RTMP encoder would send them: one SequenceStart with an
 * HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1), then CodedFrames with 4-byte
 * length-prefixed NALUs and no in-band VPS/SPS/PPS/AUD. For tests.
 */

const { VPS, SPS, PPS, AUD } = HEVC_NAL;
const PREFIX_SEI = 39;

function nalType(n: Uint8Array): number {
  return (n[0]! >> 1) & 0x3f;
}

/** Splits an Annex B byte stream at its start codes (B.2); trailing zero bytes are dropped. */
export function splitAnnexB(es: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  const out: Uint8Array[] = [];
  for (let k = 0; k < starts.length; k++) {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : es.length;
    while (end > starts[k]! && es[end - 1] === 0) end--;
    if (end > starts[k]!) out.push(es.subarray(starts[k]!, end));
  }
  return out;
}

/** Groups NAL units into access units (H.265 §7.4.2.4.4): a new one starts at a first slice or a leading non-VCL. */
export function hevcAccessUnits(nalus: readonly Uint8Array[]): Uint8Array[][] {
  const aus: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let hasVcl = false;
  for (const n of nalus) {
    const t = nalType(n);
    const vcl = t < 32;
    const firstSlice = vcl && (n[2]! & 0x80) !== 0; // first_slice_segment_in_pic_flag
    const leading = t === AUD || t === VPS || t === SPS || t === PPS || t === PREFIX_SEI;
    if (hasVcl && (firstSlice || leading)) {
      aus.push(cur);
      cur = [];
      hasVcl = false;
    }
    cur.push(n);
    if (vcl) hasVcl = true;
  }
  if (cur.length) aus.push(cur);
  return aus;
}

/** An HEVCDecoderConfigurationRecord with VPS/SPS/PPS arrays; profile fields copied from the SPS. */
export function buildHvcc(vps: Uint8Array, sps: Uint8Array, pps: Uint8Array): Buffer {
  // SPS RBSP after the 2-byte NAL header: sps_video_parameter_set_id (4) sps_max_sub_layers_minus1 (3)
  // sps_temporal_id_nesting_flag (1), then profile_tier_level: 1 + 4 + 6 + 1 bytes of general_* fields
  const rbsp = unescapeRbsp(sps);
  const ptl = rbsp.subarray(3, 15);
  const head = Buffer.alloc(23);
  head[0] = 1; // configurationVersion
  head.set(ptl.subarray(0, 12), 1); // profile_space/tier/profile_idc, compat flags, constraint flags, level_idc
  head.writeUInt16BE(0xf000, 13); // reserved '1111' + min_spatial_segmentation_idc 0
  head[15] = 0xfc; // reserved + parallelismType 0
  head[16] = 0xfd; // reserved + chromaFormat 1 (4:2:0)
  head[17] = 0xf8; // reserved + bitDepthLumaMinus8 0
  head[18] = 0xf8; // reserved + bitDepthChromaMinus8 0
  head.writeUInt16BE(0, 19); // avgFrameRate unknown
  head[21] = (1 << 3) | (1 << 2) | 3; // constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
  head[22] = 3; // numOfArrays
  const arrays = [VPS, SPS, PPS].map((type, i) => {
    const nalu = [vps, sps, pps][i]!;
    const a = Buffer.alloc(5 + nalu.length);
    a[0] = 0x80 | type; // array_completeness 1 | reserved 0 | NAL_unit_type
    a.writeUInt16BE(1, 1); // numNalus
    a.writeUInt16BE(nalu.length, 3); // nalUnitLength
    a.set(nalu, 5);
    return a;
  });
  return Buffer.concat([head, ...arrays]);
}

function lengthPrefixed(nalus: readonly Uint8Array[]): Buffer {
  const total = nalus.reduce((n, x) => n + 4 + x.length, 0);
  const out = Buffer.alloc(total);
  let p = 0;
  for (const n of nalus) {
    out.writeUInt32BE(n.length, p);
    out.set(n, p + 4);
    p += 4 + n.length;
  }
  return out;
}

/** E-RTMP `hvc1` frames for an elementary stream without B-frames at `fps`. */
export function hevcFramesFromAnnexB(es: Uint8Array, fps: number): TestFrame[] {
  const aus = hevcAccessUnits(splitAnnexB(es));
  const all = aus.flat();
  const find = (t: number): Uint8Array => {
    const n = all.find((x) => nalType(x) === t);
    if (!n) throw new Error(`elementary stream has no NAL unit of type ${t}`);
    return n;
  };
  const hvcc = buildHvcc(find(VPS), find(SPS), find(PPS));
  const fourcc = Buffer.from('hvc1', 'latin1');
  // IsExHeader 1 | VideoFrameType 1 (key) | VideoPacketType 0 (SequenceStart) | FourCC
  const seqPayload = Buffer.concat([Buffer.of(0x80 | (1 << 4) | 0), fourcc, hvcc]);
  const frames = [new TestFrame({ track: 'video', codec: 'h265', dts: 0, keyframe: true, sequenceHeader: true, payload: seqPayload, dataOffset: 5 })];
  aus.forEach((au, i) => {
    const keep = au.filter((n) => !([VPS, SPS, PPS, AUD] as number[]).includes(nalType(n)));
    const key = au.some((n) => nalType(n) >= 16 && nalType(n) <= 23);
    // IsExHeader 1 | VideoFrameType (1 key, 2 inter) | VideoPacketType 1 (CodedFrames) | FourCC | SI24 cts 0
    const header = Buffer.concat([Buffer.of(0x80 | ((key ? 1 : 2) << 4) | 1), fourcc, Buffer.of(0, 0, 0)]);
    const payload = Buffer.concat([header, lengthPrefixed(keep)]);
    frames.push(new TestFrame({ track: 'video', codec: 'h265', dts: Math.round((i * 1000) / fps), keyframe: key, payload, dataOffset: 8 }));
  });
  return frames;
}
