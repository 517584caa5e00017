import type { Frame, FrameCodec, FrameInit, TrackKind } from '../sdk/media.js';

/** The hub's Frame: immutable fields, a payload view, and a small memo for shared serialisations. */
export class MediaFrame implements Frame {
  readonly track: TrackKind;
  readonly codec: FrameCodec;
  readonly dts: number;
  readonly cts: number;
  readonly keyframe: boolean;
  readonly sequenceHeader: boolean;
  readonly payload: Uint8Array;
  readonly dataOffset: number;
  private memo: Map<string, unknown> | undefined;

  constructor(init: FrameInit) {
    this.track = init.track;
    this.codec = init.codec;
    this.dts = init.dts;
    this.cts = init.cts ?? 0;
    this.keyframe = init.keyframe ?? false;
    this.sequenceHeader = init.sequenceHeader ?? false;
    this.payload = init.payload;
    this.dataOffset = init.dataOffset ?? 0;
  }

  /** A copy on another timeline (same payload view), for headers replayed to a new reader. */
  restamped(dts: number): MediaFrame {
    return new MediaFrame({ ...this, dts });
  }

  shared<T>(key: string, build: (frame: Frame) => T): T {
    const memo = (this.memo ??= new Map());
    const cached = memo.get(key);
    if (cached !== undefined || memo.has(key)) return cached as T; // one lookup on the hot path
    const value = build(this);
    memo.set(key, value);
    return value;
  }
}
