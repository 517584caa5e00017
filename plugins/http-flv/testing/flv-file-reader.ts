/**
 * Test support: read an FLV file (or a captured HTTP-FLV body) into tags, and tags into the hub's
 * FrameInit with codec/keyframe/sequenceHeader/cts/dataOffset taken from the tag body bytes.
 * References: FLV v10.1 Annex E.2-E.4 (legacy audio/video tag headers), Enhanced RTMP (veovera.org)
 * v1/v2 ExVideoTagHeader / ExAudioTagHeader.
 */
import { ParseError, type AudioCodec, type FrameInit, type VideoCodec } from 'xlive/sdk';

export interface FlvTag {
  /** TagType: 8 audio, 9 video, 18 script. */
  type: number;
  /** 32-bit timestamp in ms (TimestampExtended as the upper byte). */
  timestamp: number;
  /** Tag body view. */
  body: Buffer;
  /** Byte offset of the tag header in the input. */
  offset: number;
  /** The PreviousTagSize that followed the tag. */
  previousTagSize: number;
}

export interface FlvFile {
  flags: { audio: boolean; video: boolean };
  /** The header's DataOffset. */
  dataOffset: number;
  tags: FlvTag[];
  /** Bytes left over after the last complete tag (a truncated capture). */
  trailing: number;
}

/** Parse an FLV byte stream. With `partial`, an incomplete last tag is reported in `trailing` instead of thrown. */
export function readFlv(buf: Buffer, options: { partial?: boolean } = {}): FlvFile {
  if (buf.byteLength < 13) throw new ParseError(`flv needs 13 header bytes, got ${buf.byteLength}`, 0);
  if (buf[0] !== 0x46 || buf[1] !== 0x4c || buf[2] !== 0x56) throw new ParseError('flv signature is not "FLV"', 0);
  if (buf[3] !== 1) throw new ParseError(`flv version ${buf[3]} is not 1`, 3);
  const flags = { audio: (buf[4]! & 0x04) !== 0, video: (buf[4]! & 0x01) !== 0 };
  const dataOffset = buf.readUInt32BE(5);
  if (dataOffset < 9 || dataOffset + 4 > buf.byteLength) throw new ParseError(`flv DataOffset ${dataOffset} is out of range`, 5);
  if (buf.readUInt32BE(dataOffset) !== 0) throw new ParseError('PreviousTagSize0 is not 0', dataOffset);
  const tags: FlvTag[] = [];
  let pos = dataOffset + 4;
  while (pos < buf.byteLength) {
    if (buf.byteLength - pos < 11) return truncated(options, flags, dataOffset, tags, buf.byteLength - pos, pos);
    const type = buf[pos]! & 0x1f;
    if (buf[pos]! & 0x20) throw new ParseError('encrypted (Filter) flv tags are not supported', pos);
    if (type !== 8 && type !== 9 && type !== 18) throw new ParseError(`unknown flv tag type ${type}`, pos);
    const size = buf.readUIntBE(pos + 1, 3);
    const timestamp = buf.readUIntBE(pos + 4, 3) + buf[pos + 7]! * 0x100_0000;
    const end = pos + 11 + size;
    if (end + 4 > buf.byteLength) return truncated(options, flags, dataOffset, tags, buf.byteLength - pos, pos);
    const previousTagSize = buf.readUInt32BE(end);
    if (previousTagSize !== 11 + size) throw new ParseError(`PreviousTagSize ${previousTagSize} does not match tag size ${11 + size}`, end);
    tags.push({ type, timestamp, body: buf.subarray(pos + 11, end), offset: pos, previousTagSize });
    pos = end + 4;
  }
  return { flags, dataOffset, tags, trailing: 0 };
}

function truncated(options: { partial?: boolean }, flags: FlvFile['flags'], dataOffset: number, tags: FlvTag[], left: number, pos: number): FlvFile {
  if (!options.partial) throw new ParseError(`flv tag truncated (${left} bytes left)`, pos);
  return { flags, dataOffset, tags, trailing: left };
}

const VIDEO_FOURCC: Record<string, VideoCodec> = { avc1: 'h264', hvc1: 'h265', av01: 'av1', vp09: 'vp9' };
const AUDIO_FOURCC: Record<string, AudioCodec> = { mp4a: 'aac', Opus: 'opus', '.mp3': 'mp3' };

/** A tag as the FrameInit an ingest protocol would push. */
export function tagToFrameInit(tag: FlvTag): FrameInit {
  const body = tag.body;
  if (tag.type === 18) return { track: 'data', codec: 'amf0', dts: tag.timestamp, payload: body };
  if (body.byteLength < 1) throw new ParseError('empty audio/video tag body', tag.offset + 11);
  return tag.type === 9 ? videoFrame(tag, body) : audioFrame(tag, body);
}

function videoFrame(tag: FlvTag, body: Buffer): FrameInit {
  const b0 = body[0]!;
  const at = tag.offset + 11;
  if (b0 & 0x80) {
    // Enhanced RTMP ExVideoTagHeader: IsExHeader UB[1], FrameType UB[3], PacketType UB[4], FourCC UI32.
    if (body.byteLength < 5) throw new ParseError('enhanced video tag shorter than its header', at);
    const frameType = (b0 >> 4) & 0x07;
    const packetType = b0 & 0x0f;
    const fourcc = body.toString('latin1', 1, 5);
    const codec = VIDEO_FOURCC[fourcc] ?? 'unknown-video';
    // PacketType 1 (CodedFrames) carries a SI24 CompositionTime for avc1/hvc1; 3 (CodedFramesX) implies 0.
    const hasCts = packetType === 1 && (fourcc === 'avc1' || fourcc === 'hvc1');
    if (hasCts && body.byteLength < 8) throw new ParseError('enhanced video tag shorter than its CompositionTime', at);
    return {
      track: 'video',
      codec,
      dts: tag.timestamp,
      cts: hasCts ? body.readIntBE(5, 3) : 0,
      keyframe: frameType === 1,
      sequenceHeader: packetType === 0,
      payload: body,
      dataOffset: hasCts ? 8 : 5,
    };
  }
  // Legacy VideoTagHeader (E.4.3.1): FrameType UB[4], CodecID UB[4]; AVC/HEVC add AVCPacketType UI8 and SI24 CompositionTime.
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  const codec: VideoCodec = codecId === 7 ? 'h264' : codecId === 12 ? 'h265' : 'unknown-video';
  if (codec === 'unknown-video') return { track: 'video', codec, dts: tag.timestamp, keyframe: frameType === 1, payload: body, dataOffset: 1 };
  if (body.byteLength < 5) throw new ParseError('avc video tag shorter than its header', at);
  return {
    track: 'video',
    codec,
    dts: tag.timestamp,
    cts: body.readIntBE(2, 3),
    keyframe: frameType === 1,
    sequenceHeader: body[1] === 0,
    payload: body,
    dataOffset: 5,
  };
}

function audioFrame(tag: FlvTag, body: Buffer): FrameInit {
  const soundFormat = body[0]! >> 4;
  const at = tag.offset + 11;
  if (soundFormat === 9) {
    // Enhanced RTMP v2 ExAudioTagHeader: SoundFormat 9 (ExHeader), AudioPacketType UB[4], FourCC UI32.
    if (body.byteLength < 5) throw new ParseError('enhanced audio tag shorter than its header', at);
    const codec = AUDIO_FOURCC[body.toString('latin1', 1, 5)] ?? 'unknown-audio';
    return { track: 'audio', codec, dts: tag.timestamp, sequenceHeader: (body[0]! & 0x0f) === 0, payload: body, dataOffset: 5 };
  }
  if (soundFormat === 10) {
    // AACAUDIODATA (E.4.2.2): AACPacketType UI8, 0 = AudioSpecificConfig, 1 = raw frame.
    if (body.byteLength < 2) throw new ParseError('aac audio tag shorter than its header', at);
    return { track: 'audio', codec: 'aac', dts: tag.timestamp, sequenceHeader: body[1] === 0, payload: body, dataOffset: 2 };
  }
  const codec: AudioCodec = soundFormat === 2 ? 'mp3' : 'unknown-audio';
  return { track: 'audio', codec, dts: tag.timestamp, payload: body, dataOffset: 1 };
}
