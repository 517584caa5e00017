import type { MediaFrame } from './media-frame.js';

/**
 * The frames since the latest video keyframe, so a new reader starts on a picture at once.
 * Bounded in bytes: when a GOP outgrows the budget the cache empties and waits for the next keyframe.
 */
export class GopCache {
  private frames: MediaFrame[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  push(frame: MediaFrame): void {
    if (frame.sequenceHeader || frame.track === 'data') return;
    if (frame.track === 'video' && frame.keyframe) {
      this.frames = [];
      this.size = 0;
    } else if (this.frames.length === 0) {
      return; // waiting for a keyframe
    }
    const len = frame.payload.byteLength;
    if (this.size + len > this.maxBytes) {
      this.clear();
      return;
    }
    this.frames.push(frame);
    this.size += len;
  }

  snapshot(): readonly MediaFrame[] {
    return this.frames.slice();
  }

  clear(): void {
    this.frames = [];
    this.size = 0;
  }
}
