/** FLV bytes for tests, per FLV 10.1 Annex E: header (E.2), PreviousTagSize0, then tag + PreviousTagSize (E.3). */
export interface FlvTagSpec {
  /** TagType: 8 audio, 9 video, 18 script. */
  type: number;
  /** Milliseconds; above 2^24 the upper byte goes to TimestampExtended. */
  timestamp: number;
  body: Uint8Array | readonly number[];
}

/** One tag (11-byte header, body, PreviousTagSize). */
export function flvTagBytes(t: FlvTagSpec): Buffer {
  const body = Buffer.from(t.body as Uint8Array);
  const h = Buffer.alloc(11);
  h[0] = t.type; // TagType
  h.writeUIntBE(body.length, 1, 3); // DataSize
  h.writeUIntBE(t.timestamp % 0x1000000, 4, 3); // Timestamp (lower 24 bits)
  h[7] = Math.floor(t.timestamp / 0x1000000); // TimestampExtended (upper 8 bits)
  const prev = Buffer.alloc(4);
  prev.writeUInt32BE(11 + body.length, 0); // PreviousTagSize
  return Buffer.concat([h, body, prev]);
}

/** 'FLV', version 1, audio+video, DataOffset 9, PreviousTagSize0. */
export const FLV_HEADER_AV = Buffer.from('464c5601050000000900000000', 'hex');

/** A whole FLV file of these tags. */
export function flvBytes(tags: readonly FlvTagSpec[]): Buffer {
  return Buffer.concat([FLV_HEADER_AV, ...tags.map(flvTagBytes)]);
}

/** A small A/V file: metadata, AVC and AAC sequence headers, a keyframe, audio, an inter frame, and a one-byte body at an extended timestamp. */
export const SAMPLE_FLV = flvBytes([
  { type: 18, timestamp: 0, body: [0x02, 0x00, 0x0a, ...Buffer.from('onMetaData'), 0x05] },
  { type: 9, timestamp: 0, body: [0x17, 0x00, 0, 0, 0, 1, 0x64] }, // AVC sequence header
  { type: 8, timestamp: 0, body: [0xaf, 0x00, 0x11, 0x90] }, // AAC AudioSpecificConfig
  { type: 9, timestamp: 0, body: [0x17, 0x01, 0, 0, 0x43, 0xaa, 0xbb] }, // AVC keyframe NALU
  { type: 8, timestamp: 21, body: [0xaf, 0x01, 0x21] },
  { type: 9, timestamp: 33, body: [0x27, 0x01, 0, 0, 0x10, 0xcc] }, // inter frame
  { type: 9, timestamp: 0x01000005, body: [0x27] }, // one-byte body, extended timestamp
]);
