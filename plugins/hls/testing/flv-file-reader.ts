import { readFile } from 'node:fs/promises';
import { ParseError, type FrameCodec } from 'xlive/sdk';
import { TestFrame } from './test-frame.js';

/**
 * Reads an FLV file (FLV 10.1 spec, Annex E; Enhanced RTMP v1 video) into Frames: audio and video
 * tags only, legacy AVC/AAC and E-RTMP `hvc1`/`avc1`. End-of-sequence, metadata and command packets
 * are skipped. For tests and tools; not a hot path.
 */

const FLV_HEADER_MIN = 9;
const TAG_HEADER_BYTES = 11;

function u24(b: Uint8Array, p: number): number {
  return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
}

/** SI24 composition time, sign-extended. */
function si24(b: Uint8Array, p: number): number {
  const v = u24(b, p);
  return v & 0x800000 ? v - 0x1000000 : v;
}

const FOURCC_VIDEO: Record<string, FrameCodec> = { avc1: 'h264', hvc1: 'h265', av01: 'av1', vp09: 'vp9' };

export async function readFlvFile(path: string): Promise<TestFrame[]> {
  return parseFlv(await readFile(path));
}

/** Parses a whole FLV file held in memory; frames are views into `data`. */
export function parseFlv(data: Uint8Array): TestFrame[] {
  if (data.length < FLV_HEADER_MIN || data[0] !== 0x46 || data[1] !== 0x4c || data[2] !== 0x56) {
    throw new ParseError('not an FLV file (signature "FLV" missing)', 0);
  }
  // DataOffset (UI32): the header's own size, usually 9; then PreviousTagSize0 (UI32)
  const headerSize = ((data[5]! << 24) >>> 0) + u24(data, 6);
  let pos = headerSize + 4;
  const frames: TestFrame[] = [];
  while (pos + TAG_HEADER_BYTES <= data.length) {
    const tagType = data[pos]! & 0x1f; // reserved (2) | Filter (1) | TagType (5)
    const size = u24(data, pos + 1);
    // Timestamp (UI24) + TimestampExtended (UI8, the upper 8 bits)
    const dts = data[pos + 7]! * 2 ** 24 + u24(data, pos + 4);
    const bodyStart = pos + TAG_HEADER_BYTES;
    if (bodyStart + size > data.length) throw new ParseError(`tag body of ${size} bytes runs past the end`, pos);
    const body = data.subarray(bodyStart, bodyStart + size);
    const frame = tagType === 9 ? videoFrame(body, dts, bodyStart) : tagType === 8 ? audioFrame(body, dts) : undefined;
    if (frame) frames.push(frame);
    pos = bodyStart + size + 4; // PreviousTagSize
  }
  return frames;
}

function videoFrame(body: Uint8Array, dts: number, at: number): TestFrame | undefined {
  if (body.length < 1) return undefined;
  const b0 = body[0]!;
  if (b0 & 0x80) {
    // ExVideoTagHeader: IsExHeader (1) | VideoFrameType (3) | VideoPacketType (4) | FourCC (32)
    if (body.length < 5) throw new ParseError('enhanced video tag shorter than its header', at);
    const frameType = (b0 >> 4) & 0x07;
    const packetType = b0 & 0x0f;
    const fourcc = String.fromCharCode(body[1]!, body[2]!, body[3]!, body[4]!);
    const codec = FOURCC_VIDEO[fourcc] ?? 'unknown-video';
    if (frameType === 5) return undefined; // command frame
    const keyframe = frameType === 1;
    if (packetType === 0) return new TestFrame({ track: 'video', codec, dts, keyframe, sequenceHeader: true, payload: body, dataOffset: 5 });
    if (packetType === 1) {
      // CodedFrames: SI24 composition time for avc1/hvc1
      const withCts = codec === 'h264' || codec === 'h265';
      if (withCts && body.length < 8) throw new ParseError('CodedFrames tag shorter than its header', at);
      const cts = withCts ? si24(body, 5) : 0;
      return new TestFrame({ track: 'video', codec, dts, cts, keyframe, payload: body, dataOffset: withCts ? 8 : 5 });
    }
    if (packetType === 3) return new TestFrame({ track: 'video', codec, dts, keyframe, payload: body, dataOffset: 5 });
    return undefined; // SequenceEnd, Metadata, MPEG2TSSequenceStart, multitrack: not needed here
  }
  // Legacy VideoTagHeader: FrameType (4) | CodecID (4) [| AVCPacketType (8) | CompositionTime (SI24)]
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (frameType === 5) return undefined;
  const codec: FrameCodec = codecId === 7 ? 'h264' : codecId === 12 ? 'h265' : 'unknown-video';
  if (codec === 'unknown-video') return new TestFrame({ track: 'video', codec, dts, keyframe: frameType === 1, payload: body, dataOffset: 1 });
  if (body.length < 5) throw new ParseError('AVC video tag shorter than its header', at);
  const packetType = body[1]!;
  if (packetType === 2) return undefined; // end of sequence
  return new TestFrame({
    track: 'video',
    codec,
    dts,
    cts: packetType === 1 ? si24(body, 2) : 0,
    keyframe: frameType === 1,
    sequenceHeader: packetType === 0,
    payload: body,
    dataOffset: 5,
  });
}

function audioFrame(body: Uint8Array, dts: number): TestFrame | undefined {
  if (body.length < 1) return undefined;
  // SoundFormat (4) | SoundRate (2) | SoundSize (1) | SoundType (1)
  const format = body[0]! >> 4;
  if (format === 10) {
    if (body.length < 2) return undefined;
    // AACPacketType: 0 = AudioSpecificConfig, 1 = raw frame
    const sequenceHeader = body[1] === 0;
    return new TestFrame({ track: 'audio', codec: 'aac', dts, keyframe: true, sequenceHeader, payload: body, dataOffset: 2 });
  }
  const codec: FrameCodec = format === 2 ? 'mp3' : 'unknown-audio';
  return new TestFrame({ track: 'audio', codec, dts, keyframe: true, payload: body, dataOffset: 1 });
}
