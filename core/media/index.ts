/**
 * The xlive media library (`import … from 'xlive/media'`): byte-level media formats as pure
 * functions and classes on Uint8Array/Buffer, with no sockets, no state between calls and no
 * dependency but Node. Every parser throws ParseError (code PARSE_ERROR, `offset` = the byte where
 * the input went wrong) on malformed input and never reads past its input; writers throw
 * ProtocolError for values the format cannot hold. Protocol framing that belongs to one protocol
 * (RTMP chunks and handshake, MPEG-TS, HLS playlists) stays in that protocol's plugin.
 */
export { XliveError, ProtocolError, ParseError, type XliveErrorOptions } from './errors.js';
export type { AudioCodec, FrameCodec, FrameInit, TrackKind, VideoCodec } from './frame-init.js';

export { ByteCursor } from './bytes/byte-cursor.js';
export { BitReader } from './bytes/bit-reader.js';

export { unescapeRbsp } from './h264/rbsp.js';
export { parseSps, avcProfileName, type SpsInfo } from './h264/sps.js';
export { parseAvcConfig, avcCodecString, type AvcConfig } from './h264/avc-config.js';

export { parseHevcConfig, HEVC_NAL, type HevcConfig } from './h265/hevc-config.js';

export { parseAudioSpecificConfig, aacChannelCount, AAC_SAMPLE_RATES, type AudioSpecificConfig } from './aac/audio-specific-config.js';
export { parseAdtsConfig, writeAdtsHeader, buildAdtsHeader, ADTS_HEADER_BYTES, ADTS_MAX_FRAME_BYTES, type AdtsConfig } from './aac/adts.js';

export {
  FLV_FILE_HEADER_SIZE,
  FLV_HEADER_SIZE,
  FLV_TAG_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE,
  FLV_MAX_TAG_DATA_SIZE,
  FlvTagType,
  flvFileHeader,
  readFlvFileHeader,
  flvTimestamp,
  writeFlvTagHeader,
  flvTagHeader,
  readFlvTagHeader,
  flvPreviousTagSize,
  type FlvHeaderFlags,
  type FlvTagHeader,
} from './flv/flv-tag-header.js';
export { parseFlvVideoBody, parseFlvAudioBody, parseFlvScriptBody, type FlvBody, type FlvPacket } from './flv/flv-tag-body.js';
export { videoTagKind, type VideoTagKind } from './flv/video-tag-kind.js';
export { readFlv, flvTagBody, type FlvTag, type FlvFile, type FlvReadOptions } from './flv/flv-reader.js';
export { FlvTagScanner, type FlvTagInfo } from './flv/flv-tag-scanner.js';

export { decodeAmf0, decodeAmf0Partial, encodeAmf0, EcmaArray, Amf0Marker, type Amf0DecodeOptions } from './amf/amf0.js';
export { DEFAULT_AMF_LIMITS, type AmfLimits } from './amf/amf-context.js';
