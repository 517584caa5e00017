import { ParseError, ProtocolError } from '../errors.js';

/**
 * FLV framing (Adobe FLV File Format Specification v10.1, Annex E): the file header, the 11-byte tag
 * header and the PreviousTagSize after each tag, read and written. Tag bodies: see flv-tag-body.ts.
 */

/** FLV header (9 bytes) plus PreviousTagSize0 (4 bytes). */
export const FLV_FILE_HEADER_SIZE = 13;
/** The version 1 header's own size (its DataOffset). */
export const FLV_HEADER_SIZE = 9;
/** FLV tag header size (E.4.1): type, 24-bit size, 24+8-bit timestamp, 24-bit stream id. */
export const FLV_TAG_HEADER_SIZE = 11;
/** PreviousTagSize UI32 after every tag (E.3). */
export const FLV_PREVIOUS_TAG_SIZE = 4;
/** Largest tag body the 24-bit DataSize field can describe. */
export const FLV_MAX_TAG_DATA_SIZE = 0xff_ffff;

/** TagType values (E.4.1): 8 audio, 9 video, 18 script data. */
export const FlvTagType = { audio: 8, video: 9, script: 18 } as const;
export type FlvTagType = (typeof FlvTagType)[keyof typeof FlvTagType];

/** Timestamps are 32-bit milliseconds in FLV: wrap modulo 2^32 (arithmetic, not bit operators). */
const TIMESTAMP_MODULO = 2 ** 32;

export interface FlvHeaderFlags {
  audio: boolean;
  video: boolean;
}

/** The fields of an 11-byte tag header. */
export interface FlvTagHeader {
  /** TagType (5 bits): 8 audio, 9 video, 18 script; other values are passed on for the caller to judge. */
  type: number;
  /** The Filter bit: the body is encrypted. */
  filtered: boolean;
  /** DataSize: bytes of the body. */
  dataSize: number;
  /** Timestamp UI24 with TimestampExtended as the upper 8 bits: 32-bit milliseconds. */
  timestamp: number;
}

/** The 9-byte FLV header followed by PreviousTagSize0 = 0. */
export function flvFileHeader(flags: FlvHeaderFlags): Buffer {
  const out = Buffer.alloc(FLV_FILE_HEADER_SIZE);
  out[0] = 0x46; // 'F'  Signature (E.2)
  out[1] = 0x4c; // 'L'
  out[2] = 0x56; // 'V'
  out[3] = 1; // Version: 1
  // TypeFlagsReserved UB[5] = 0, TypeFlagsAudio UB[1] (0x04), TypeFlagsReserved UB[1] = 0, TypeFlagsVideo UB[1] (0x01)
  out[4] = (flags.audio ? 0x04 : 0) | (flags.video ? 0x01 : 0);
  out.writeUInt32BE(FLV_HEADER_SIZE, 5); // DataOffset UI32: the header's own size, 9 for version 1
  out.writeUInt32BE(0, 9); // PreviousTagSize0 UI32: always 0 (E.3)
  return out;
}

/**
 * Reads the FLV header (E.2) at the start of `buf` (at least 9 bytes): signature "FLV", version 1,
 * flags, DataOffset. Throws ParseError (offset `base` + field) when it is not one.
 */
export function readFlvFileHeader(buf: Uint8Array, base = 0): { flags: FlvHeaderFlags; dataOffset: number } {
  if (buf.length < FLV_HEADER_SIZE) throw new ParseError(`flv needs ${FLV_HEADER_SIZE} header bytes, got ${buf.length}`, base);
  if (buf[0] !== 0x46 || buf[1] !== 0x4c || buf[2] !== 0x56) throw new ParseError('flv signature is not "FLV"', base);
  if (buf[3] !== 1) throw new ParseError(`flv version ${buf[3]} is not 1`, base + 3);
  const flags = { audio: (buf[4]! & 0x04) !== 0, video: (buf[4]! & 0x01) !== 0 };
  const dataOffset = buf[5]! * 0x100_0000 + buf[6]! * 0x1_0000 + buf[7]! * 0x100 + buf[8]!;
  if (dataOffset < FLV_HEADER_SIZE) throw new ParseError(`flv DataOffset ${dataOffset} is smaller than the header`, base + 5);
  return { flags, dataOffset };
}

/** Normalise a millisecond timestamp to the 32-bit FLV timeline (rounded, wrapped, never negative). */
export function flvTimestamp(ms: number): number {
  if (!Number.isFinite(ms)) return 0;
  const t = Math.round(ms) % TIMESTAMP_MODULO;
  return t < 0 ? t + TIMESTAMP_MODULO : t;
}

/** Writes the 11-byte tag header (E.4.1) at `pos`. Throws ProtocolError when the body cannot fit a 24-bit DataSize. */
export function writeFlvTagHeader(out: Uint8Array, pos: number, type: FlvTagType, dataSize: number, timestampMs: number): void {
  if (!Number.isInteger(dataSize) || dataSize < 0 || dataSize > FLV_MAX_TAG_DATA_SIZE) {
    throw new ProtocolError(`flv tag body of ${dataSize} bytes does not fit the 24-bit DataSize field`, {
      details: { dataSize, max: FLV_MAX_TAG_DATA_SIZE },
    });
  }
  const ts = flvTimestamp(timestampMs);
  const low = ts % 0x100_0000;
  out[pos] = type; // Reserved UB[2] = 0, Filter UB[1] = 0 (not encrypted), TagType UB[5]
  out[pos + 1] = dataSize >>> 16; // DataSize UI24: length of the tag body
  out[pos + 2] = (dataSize >>> 8) & 0xff;
  out[pos + 3] = dataSize & 0xff;
  out[pos + 4] = Math.floor(low / 0x1_0000); // Timestamp UI24: lower 24 bits, milliseconds
  out[pos + 5] = Math.floor(low / 0x100) % 0x100;
  out[pos + 6] = low % 0x100;
  out[pos + 7] = Math.floor(ts / 0x100_0000); // TimestampExtended UI8: upper 8 bits
  out[pos + 8] = 0; // StreamID UI24: always 0
  out[pos + 9] = 0;
  out[pos + 10] = 0;
}

/** The 11-byte tag header (E.4.1) as a new buffer. */
export function flvTagHeader(type: FlvTagType, dataSize: number, timestampMs: number): Buffer {
  const out = Buffer.alloc(FLV_TAG_HEADER_SIZE);
  writeFlvTagHeader(out, 0, type, dataSize, timestampMs);
  return out;
}

/** Reads the 11-byte tag header at `pos` (the caller made sure 11 bytes are there). */
export function readFlvTagHeader(buf: Uint8Array, pos: number): FlvTagHeader {
  const b0 = buf[pos]!;
  return {
    type: b0 & 0x1f, // Reserved UB[2], Filter UB[1], TagType UB[5]
    filtered: (b0 & 0x20) !== 0,
    dataSize: buf[pos + 1]! * 0x1_0000 + buf[pos + 2]! * 0x100 + buf[pos + 3]!,
    timestamp: buf[pos + 7]! * 0x100_0000 + buf[pos + 4]! * 0x1_0000 + buf[pos + 5]! * 0x100 + buf[pos + 6]!,
  };
}

/** PreviousTagSize UI32 (E.3): size of the tag just written, header included (11 + DataSize). */
export function flvPreviousTagSize(dataSize: number): Buffer {
  const out = Buffer.alloc(FLV_PREVIOUS_TAG_SIZE);
  out.writeUInt32BE(FLV_TAG_HEADER_SIZE + dataSize, 0);
  return out;
}
