/** Ingest bitrate and frame rate over a sliding one-second window, updated as frames arrive. */
export class IngestMeter {
  frames = 0;
  bytes = 0;
  bitrateBps = 0;
  fps = 0;
  private windowStart: number;
  private windowBytes = 0;
  private windowVideoFrames = 0;

  constructor(private readonly now: () => number) {
    this.windowStart = now();
  }

  record(bytes: number, isVideo: boolean): void {
    this.frames++;
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
