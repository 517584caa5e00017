/**
 * What a viewer needs to know about a video tag body from its first two bytes: keyframe and
 * sequence-header flags. Legacy FLV VideoTagHeader (FLV 10.1 E.4.3.1): FrameType u4 (1 = key) and
 * CodecID u4; for AVC (7) and HEVC (12, the common extension) the next byte is AVCPacketType
 * (0 = sequence header, 1 = NALU, 2 = end of sequence). Enhanced RTMP (veovera.org v1/v2): bit 7
 * IsExHeader, FrameType u3, PacketType u4 (0 SequenceStart, 1 CodedFrames, 3 CodedFramesX).
 */
export interface VideoTagKind {
  keyframe: boolean;
  sequenceHeader: boolean;
}

export function videoTagKind(b0: number, b1: number | undefined): VideoTagKind {
  if ((b0 & 0x80) !== 0) {
    const frameType = (b0 >> 4) & 0x07;
    const packetType = b0 & 0x0f;
    const coded = packetType === 1 || packetType === 3;
    return { keyframe: frameType === 1 && coded, sequenceHeader: packetType === 0 };
  }
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  const hasPacketType = codecId === 7 || codecId === 12;
  const sequenceHeader = hasPacketType && b1 === 0;
  const endOfSequence = hasPacketType && b1 === 2;
  return { keyframe: frameType === 1 && !sequenceHeader && !endOfSequence, sequenceHeader };
}
