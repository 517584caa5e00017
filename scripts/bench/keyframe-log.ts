/**
 * When the publisher sent each video keyframe (performance.now() ms), oldest first, bounded: the
 * oldest are forgotten past `capacity`. Answers "the last keyframe sent at or before t", which is
 * the keyframe that closed a segment first seen in a playlist at t (while lags stay below a GOP).
 */
export class KeyframeLog {
  private readonly times: number[] = [];

  constructor(private readonly capacity = 1024) {}

  record(sentAt: number): void {
    this.times.push(sentAt);
    if (this.times.length > this.capacity) this.times.splice(0, this.times.length - this.capacity);
  }

  /** The latest send time ≤ t, or undefined. Send times are recorded in increasing order. */
  lastAtOrBefore(t: number): number | undefined {
    let lo = 0;
    let hi = this.times.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.times[mid]!;
      if (v <= t) {
        found = v;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  get size(): number {
    return this.times.length;
  }
}
