import type { Frame, FrameCodec, FrameInit, TrackKind } from 'xlive/sdk';

/** A tiny SDK-like Frame for tests and tools: plain fields plus a per-frame `shared()` cache. */
export class TestFrame implements Frame {
  readonly track: TrackKind;
  readonly codec: FrameCodec;
  readonly dts: number;
  readonly cts: number;
  readonly keyframe: boolean;
  readonly sequenceHeader: boolean;
  readonly payload: Uint8Array;
  readonly dataOffset: number;
  private readonly cache = new Map<string, unknown>();

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

  shared<T>(key: string, build: (frame: Frame) => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = build(this);
    this.cache.set(key, value);
    return value;
  }
}
