/**
 * The media model plugins see. A Frame is small; its payload is a view into the ingest buffer
 * and is immutable once published. Payloads are FLV tag bodies (= RTMP audio/video/data message
 * payloads), legacy or Enhanced RTMP, exactly as received: RTMP and FLV out are pure passthrough,
 * and `dataOffset` tells a remuxer (HLS) where the codec bytes (AVCC NALUs, raw AAC, config) start.
 */
import type { AudioCodec, FrameCodec, TrackKind, VideoCodec } from '../media/frame-init.js';

export type { AudioCodec, FrameCodec, FrameInit, TrackKind, VideoCodec } from '../media/frame-init.js';

export interface Frame {
  readonly track: TrackKind;
  readonly codec: FrameCodec;
  /** Decode timestamp in milliseconds (RTMP timeline, may exceed 2^32 after extension). */
  readonly dts: number;
  /** Composition offset in milliseconds: pts = dts + cts. */
  readonly cts: number;
  readonly keyframe: boolean;
  /** AVCDecoderConfigurationRecord / HEVC / AV1 config, or AudioSpecificConfig. */
  readonly sequenceHeader: boolean;
  /** FLV tag body. Never mutate. */
  readonly payload: Uint8Array;
  /** Offset in `payload` of the codec data (after the FLV/E-RTMP audio or video header). */
  readonly dataOffset: number;
  /**
   * Serialise once, send many: returns the value built for `key` the first time any reader asked.
   * Keys are namespaced by the caller (`flv-tag-header`, `rtmp-chunks:4096`, …).
   */
  shared<T>(key: string, build: (frame: Frame) => T): T;
}

export interface VideoInfo {
  codec: VideoCodec;
  width?: number;
  height?: number;
  profile?: string;
}
export interface AudioInfo {
  codec: AudioCodec;
  sampleRate?: number;
  channels?: number;
}
export interface MediaInfo {
  video?: VideoInfo;
  audio?: AudioInfo;
}
