/**
 * The frame a parser of the media library yields: one FLV tag body (= RTMP audio/video/data message
 * payload) with what a remuxer or a hub needs to know about it. `xlive/sdk` re-exports these types
 * as its media model (its `Frame` is a FrameInit made immutable and shareable).
 */
export type TrackKind = 'video' | 'audio' | 'data';
export type VideoCodec = 'h264' | 'h265' | 'av1' | 'vp9' | 'unknown-video';
export type AudioCodec = 'aac' | 'mp3' | 'opus' | 'unknown-audio';
export type FrameCodec = VideoCodec | AudioCodec | 'amf0';

export interface FrameInit {
  track: TrackKind;
  codec: FrameCodec;
  /** Decode timestamp in milliseconds. */
  dts: number;
  /** Composition offset in milliseconds: pts = dts + cts. */
  cts?: number;
  keyframe?: boolean;
  /** AVCDecoderConfigurationRecord / HEVC / AV1 config, or AudioSpecificConfig. */
  sequenceHeader?: boolean;
  /** The FLV tag body. */
  payload: Uint8Array;
  /** Offset in `payload` of the codec data (after the FLV/E-RTMP audio or video header). */
  dataOffset?: number;
}
