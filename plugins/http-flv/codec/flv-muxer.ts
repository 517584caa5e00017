/**
 * FLV serialisation for live viewers: the file header and, per frame, the tag header and trailing
 * PreviousTagSize. Frame payloads already are FLV tag bodies (legacy or Enhanced RTMP), so a tag is
 * `[header, payload, trailer]` with the payload passed through as the frame's own view, never copied.
 * Reference: Adobe FLV File Format Specification v10.1, Annex E.2 (header), E.3 (body), E.4.1 (tag).
 */
import { ProtocolError, type Frame, type TrackKind } from 'xlive/sdk';

/** FLV header (9 bytes) plus PreviousTagSize0 (4 bytes). */
export const FLV_FILE_HEADER_SIZE = 13;
/** FLV tag header size (E.4.1): type, 24-bit size, 24+8-bit timestamp, 24-bit stream id. */
export const FLV_TAG_HEADER_SIZE = 11;
/** Largest tag body the 24-bit DataSize field can describe. */
export const FLV_MAX_TAG_DATA_SIZE = 0xff_ffff;
/** The key under which a frame's serialised tag is shared by all FLV viewers. */
export const FLV_TAG_SHARED_KEY = 'flv-tag';

/** TagType values (E.4.1): 8 audio, 9 video, 18 script data. */
export const FlvTagType = { audio: 8, video: 9, script: 18 } as const;
export type FlvTagType = (typeof FlvTagType)[keyof typeof FlvTagType];

/** Timestamps are 32-bit milliseconds in FLV: wrap modulo 2^32 (arithmetic, not bit operators). */
const TIMESTAMP_MODULO = 2 ** 32;

export interface FlvHeaderFlags {
  audio: boolean;
  video: boolean;
}

/** A frame serialised as one FLV tag: three views to write in order (no payload copy). */
export type FlvTagChunks = readonly [header: Uint8Array, payload: Uint8Array, trailer: Uint8Array];

/** The 9-byte FLV header followed by PreviousTagSize0 = 0. */
export function flvFileHeader(flags: FlvHeaderFlags): Buffer {
  const out = Buffer.alloc(FLV_FILE_HEADER_SIZE);
  out[0] = 0x46; // 'F'  Signature (E.2)
  out[1] = 0x4c; // 'L'
  out[2] = 0x56; // 'V'
  out[3] = 1; // Version: 1
  // TypeFlagsReserved UB[5] = 0, TypeFlagsAudio UB[1] (0x04), TypeFlagsReserved UB[1] = 0, TypeFlagsVideo UB[1] (0x01)
  out[4] = (flags.audio ? 0x04 : 0) | (flags.video ? 0x01 : 0);
  out.writeUInt32BE(9, 5); // DataOffset UI32: the header's own size, 9 for version 1
  out.writeUInt32BE(0, 9); // PreviousTagSize0 UI32: always 0 (E.3)
  return out;
}

/** The FLV TagType for a frame's track. */
export function flvTagTypeOf(track: TrackKind): FlvTagType {
  switch (track) {
    case 'audio':
      return FlvTagType.audio;
    case 'video':
      return FlvTagType.video;
    case 'data':
      return FlvTagType.script;
  }
}

/** Normalise a millisecond timestamp to the 32-bit FLV timeline (rounded, wrapped, never negative). */
export function flvTimestamp(ms: number): number {
  if (!Number.isFinite(ms)) return 0;
  const t = Math.round(ms) % TIMESTAMP_MODULO;
  return t < 0 ? t + TIMESTAMP_MODULO : t;
}

/** The 11-byte tag header (E.4.1). Throws ProtocolError when the body cannot fit a 24-bit DataSize. */
export function flvTagHeader(type: FlvTagType, dataSize: number, timestampMs: number): Buffer {
  const out = Buffer.alloc(FLV_TAG_HEADER_SIZE);
  writeTagHeader(out, type, dataSize, timestampMs);
  return out;
}

/** PreviousTagSize UI32 (E.3): size of the tag just written, header included (11 + DataSize). */
export function flvPreviousTagSize(dataSize: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(FLV_TAG_HEADER_SIZE + dataSize, 0);
  return out;
}

/** Serialise a frame as an FLV tag without the cache (see `flvTagChunks`): one 15-byte allocation. */
export function buildFlvTag(frame: Frame): FlvTagChunks {
  const size = frame.payload.byteLength;
  const bytes = Buffer.alloc(FLV_TAG_HEADER_SIZE + 4);
  writeTagHeader(bytes, flvTagTypeOf(frame.track), size, frame.dts);
  bytes.writeUInt32BE(FLV_TAG_HEADER_SIZE + size, FLV_TAG_HEADER_SIZE); // PreviousTagSize UI32 (E.3)
  return [bytes.subarray(0, FLV_TAG_HEADER_SIZE), frame.payload, bytes.subarray(FLV_TAG_HEADER_SIZE)];
}

function writeTagHeader(out: Buffer, type: FlvTagType, dataSize: number, timestampMs: number): void {
  if (!Number.isInteger(dataSize) || dataSize < 0 || dataSize > FLV_MAX_TAG_DATA_SIZE) {
    throw new ProtocolError(`flv tag body of ${dataSize} bytes does not fit the 24-bit DataSize field`, {
      details: { dataSize, max: FLV_MAX_TAG_DATA_SIZE },
    });
  }
  const ts = flvTimestamp(timestampMs);
  out[0] = type; // Reserved UB[2] = 0, Filter UB[1] = 0 (not encrypted), TagType UB[5]
  out.writeUIntBE(dataSize, 1, 3); // DataSize UI24: length of the tag body
  out.writeUIntBE(ts % 0x100_0000, 4, 3); // Timestamp UI24: lower 24 bits, milliseconds
  out[7] = Math.floor(ts / 0x100_0000); // TimestampExtended UI8: upper 8 bits
  out.writeUIntBE(0, 8, 3); // StreamID UI24: always 0
}

/** A frame as an FLV tag, built once per frame and shared by every viewer (`frame.shared`). */
export function flvTagChunks(frame: Frame): FlvTagChunks {
  return frame.shared(FLV_TAG_SHARED_KEY, buildFlvTag);
}

/** Total bytes of a tag on the wire. */
export function flvTagByteLength(chunks: FlvTagChunks): number {
  return chunks[0].byteLength + chunks[1].byteLength + chunks[2].byteLength;
}
