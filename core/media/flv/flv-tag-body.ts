import { ByteCursor } from '../bytes/byte-cursor.js';
import type { AudioCodec, FrameInit, VideoCodec } from '../frame-init.js';

/**
 * FLV tag bodies (FLV 10.1 spec annex E.4.2/E.4.3), which are also RTMP audio/video message
 * payloads. One maps to a FrameInit without copying: legacy AVC/HEVC(12)/AAC/MP3, and Enhanced
 * RTMP (veovera E-RTMP v1/v2) FourCC video and audio. `dataOffset` is where the codec bytes
 * (config record, NALUs, raw AAC, OBUs) start; `packet` says what the body carries. Bodies with
 * nothing to publish (command frames, multitrack, unknown packet types) give `skip` with the reason.
 * Truncated headers throw ParseError with the offset in the body.
 */
export type FlvBody = { frame: FrameInit; packet: FlvPacket } | { skip: string };

/**
 * What a body carries: a codec configuration, coded media, the end of a sequence, E-RTMP
 * metadata, (codecs without packet types: MP3, legacy non-AVC video) the raw payload, or script
 * data (AMF0, e.g. onMetaData).
 */
export type FlvPacket = 'sequence-start' | 'coded' | 'sequence-end' | 'metadata' | 'raw' | 'script';

/** Enhanced RTMP VideoPacketType / AudioPacketType values. */
const PacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  CodedFramesX: 3,
  Metadata: 4,
  Mpeg2TsSequenceStart: 5,
  Multitrack: 6,
  ModEx: 7,
} as const;
const AudioPacketType = { SequenceStart: 0, CodedFrames: 1, SequenceEnd: 2, MultichannelConfig: 4, Multitrack: 5, ModEx: 7 } as const;

const VIDEO_FOURCC: Record<string, VideoCodec> = { avc1: 'h264', hvc1: 'h265', av01: 'av1', vp09: 'vp9' };
const AUDIO_FOURCC: Record<string, AudioCodec> = { mp4a: 'aac', Opus: 'opus', '.mp3': 'mp3' };

/** FrameType (upper bits of byte 0): 1 key frame, 5 video info/command frame. */
const KEY_FRAME = 1;
const COMMAND_FRAME = 5;
/** Legacy CodecID: 7 AVC; 12 HEVC (the widely deployed pre-E-RTMP extension, same layout as AVC). */
const CODEC_AVC = 7;
const CODEC_HEVC_LEGACY = 12;
/** SoundFormat: 2 MP3, 10 AAC, 14 MP3 8 kHz, 9 E-RTMP ExHeader. */
const SOUND_MP3 = 2;
const SOUND_AAC = 10;
const SOUND_MP3_8K = 14;
const SOUND_EX_HEADER = 9;

/**
 * E-RTMP v2 ModEx: [size-1 u8 (0xff: size-1 u16 follows)] [data] [modExType<<4 | packetType],
 * repeated while the packet type is ModEx. Returns the real packet type.
 */
function skipModEx(cur: ByteCursor, modEx: number): number {
  let type: number = modEx;
  while (type === modEx) {
    let size = cur.u8('modex size') + 1;
    if (size === 256) size = cur.u16('modex size') + 1;
    cur.bytes(size, 'modex data');
    type = cur.u8('modex type') & 0x0f;
  }
  return type;
}

/** A video tag body (TagType 9) at decode time `dts` (ms). */
export function parseFlvVideoBody(payload: Uint8Array, dts: number): FlvBody {
  if (payload.length === 0) return { skip: 'empty video message' };
  const cur = new ByteCursor(payload);
  const b0 = cur.u8('video tag header');
  if ((b0 & 0x80) === 0) return legacyVideo(cur, b0, payload, dts);

  // ExVideoTagHeader: IsExHeader(1) FrameType(3) PacketType(4) [ModEx…] FourCC(4).
  const frameType = (b0 >> 4) & 0x07;
  let packetType = b0 & 0x0f;
  if (packetType === PacketType.ModEx) packetType = skipModEx(cur, PacketType.ModEx);
  if (frameType === COMMAND_FRAME) return { skip: 'video command frame' };
  if (packetType === PacketType.Multitrack) return { skip: 'multitrack video is not supported' };
  const fourcc = cur.fourcc('video fourcc');
  const codec = VIDEO_FOURCC[fourcc] ?? 'unknown-video';
  let cts = 0;
  // CodedFrames of AVC/HEVC carry a SI24 composition time; CodedFramesX means cts 0.
  if (packetType === PacketType.CodedFrames && (codec === 'h264' || codec === 'h265')) cts = cur.s24('composition time');
  if (packetType > PacketType.Mpeg2TsSequenceStart) return { skip: `unknown video packet type ${packetType}` };
  if (packetType === PacketType.Metadata) {
    return { frame: { track: 'video', codec, dts, payload, dataOffset: cur.pos, keyframe: false, sequenceHeader: false }, packet: 'metadata' };
  }
  const sequenceHeader = packetType === PacketType.SequenceStart || packetType === PacketType.Mpeg2TsSequenceStart;
  return {
    packet: sequenceHeader ? 'sequence-start' : packetType === PacketType.SequenceEnd ? 'sequence-end' : 'coded',
    frame: {
      track: 'video',
      codec,
      dts,
      cts,
      keyframe: frameType === KEY_FRAME && !sequenceHeader && packetType !== PacketType.SequenceEnd,
      sequenceHeader,
      payload,
      dataOffset: cur.pos,
    },
  };
}

function legacyVideo(cur: ByteCursor, b0: number, payload: Uint8Array, dts: number): FlvBody {
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (frameType === COMMAND_FRAME) return { skip: 'video command frame' };
  if (codecId !== CODEC_AVC && codecId !== CODEC_HEVC_LEGACY) {
    return { frame: { track: 'video', codec: 'unknown-video', dts, keyframe: frameType === KEY_FRAME, payload, dataOffset: 1 }, packet: 'raw' };
  }
  // AVCVIDEOPACKET: AVCPacketType u8 (0 sequence header, 1 NALU, 2 end of sequence), CompositionTime SI24.
  const packetType = cur.u8('avc packet type');
  const cts = cur.s24('composition time');
  if (packetType > 2) cur.fail(`unknown avc packet type ${packetType}`, 1);
  const sequenceHeader = packetType === 0;
  return {
    packet: sequenceHeader ? 'sequence-start' : packetType === 1 ? 'coded' : 'sequence-end',
    frame: {
      track: 'video',
      codec: codecId === CODEC_AVC ? 'h264' : 'h265',
      dts,
      cts: packetType === 1 ? cts : 0,
      keyframe: frameType === KEY_FRAME && packetType === 1,
      sequenceHeader,
      payload,
      dataOffset: 5,
    },
  };
}

/** An audio tag body (TagType 8) at decode time `dts` (ms). */
export function parseFlvAudioBody(payload: Uint8Array, dts: number): FlvBody {
  if (payload.length === 0) return { skip: 'empty audio message' };
  const cur = new ByteCursor(payload);
  const b0 = cur.u8('audio tag header');
  const format = b0 >> 4;
  if (format === SOUND_EX_HEADER) return enhancedAudio(cur, b0, payload, dts);
  if (format === SOUND_AAC) {
    // AACAUDIODATA: AACPacketType u8 (0 AudioSpecificConfig, 1 raw frame).
    const packetType = cur.u8('aac packet type');
    if (packetType > 1) cur.fail(`unknown aac packet type ${packetType}`, 1);
    const sequenceHeader = packetType === 0;
    return { frame: { track: 'audio', codec: 'aac', dts, sequenceHeader, payload, dataOffset: 2 }, packet: sequenceHeader ? 'sequence-start' : 'coded' };
  }
  const codec: AudioCodec = format === SOUND_MP3 || format === SOUND_MP3_8K ? 'mp3' : 'unknown-audio';
  return { frame: { track: 'audio', codec, dts, payload, dataOffset: 1 }, packet: 'raw' };
}

/** ExAudioTagHeader (E-RTMP v2): SoundFormat 9, AudioPacketType(4) [ModEx…] FourCC(4). */
function enhancedAudio(cur: ByteCursor, b0: number, payload: Uint8Array, dts: number): FlvBody {
  let packetType = b0 & 0x0f;
  if (packetType === AudioPacketType.ModEx) packetType = skipModEx(cur, AudioPacketType.ModEx);
  if (packetType === AudioPacketType.Multitrack) return { skip: 'multitrack audio is not supported' };
  const fourcc = cur.fourcc('audio fourcc');
  const codec = AUDIO_FOURCC[fourcc] ?? 'unknown-audio';
  if (packetType === AudioPacketType.MultichannelConfig) return { skip: 'audio multichannel config' };
  if (packetType > AudioPacketType.SequenceEnd) return { skip: `unknown audio packet type ${packetType}` };
  const sequenceHeader = packetType === AudioPacketType.SequenceStart;
  return {
    frame: { track: 'audio', codec, dts, sequenceHeader, payload, dataOffset: cur.pos },
    packet: sequenceHeader ? 'sequence-start' : packetType === AudioPacketType.SequenceEnd ? 'sequence-end' : 'coded',
  };
}

/** A script data tag body (TagType 18: AMF0 values such as onMetaData) as a data frame. */
export function parseFlvScriptBody(payload: Uint8Array, dts: number): FlvBody {
  return { frame: { track: 'data', codec: 'amf0', dts, payload, dataOffset: 0 }, packet: 'script' };
}
