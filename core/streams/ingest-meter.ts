/**
 * Ingest bitrate and frame rate over a sliding one-second window, updated as frames arrive, and the
 * keyframe interval (media time between the last two video keyframes: it bounds HLS segment lengths).
 */
export class IngestMeter {
  frames = 0;
  bytes = 0;
  bitrateBps = 0;
  fps = 0;
  /** Media time between the last two video keyframes, in ms; null until two have arrived. */
  keyframeIntervalMs: number | null = null;
  private lastKeyframeDts: number | null = null;
  private windowStart: number;
  private windowBytes = 0;
  private windowVideoFrames = 0;

  constructor(private readonly now: () => number) {
    this.windowStart = now();
  }

  record(bytes: number, isVideo: boolean, keyframeDts?: number): void {
    this.frames++;
    if (keyframeDts !== undefined) {
      if (this.lastKeyframeDts !== null && keyframeDts > this.lastKeyframeDts) this.keyframeIntervalMs = keyframeDts - this.lastKeyframeDts;
      this.lastKeyframeDts = keyframeDts;
    }
    this.bytes += bytes;
    this.windowBytes += bytes;
    if (isVideo) this.windowVideoFrames++;
    const t = this.now();
    const elapsed = t - this.windowStart;
    if (elapsed >= 1000) this.roll(t, elapsed);
  }

  /** Values as of now (decays to zero when frames stop arriving). */
  read(): { bitrateBps: number; fps: number } {
    const t = this.now();
    const elapsed = t - this.windowStart;
    if (elapsed >= 2000) this.roll(t, elapsed);
    return { bitrateBps: this.bitrateBps, fps: this.fps };
  }

  private roll(t: number, elapsed: number): void {
    this.bitrateBps = Math.round((this.windowBytes * 8 * 1000) / elapsed);
    this.fps = Math.round((this.windowVideoFrames * 1000 * 10) / elapsed) / 10;
    this.windowStart = t;
    this.windowBytes = 0;
    this.windowVideoFrames = 0;
  }
}
