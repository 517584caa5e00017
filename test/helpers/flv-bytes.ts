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
