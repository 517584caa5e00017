/**
 * When the publisher sent each video frame, keyed by its RTMP timestamp (dts, ms), so viewers can
 * compute delivery latency. Bounded: the oldest entries are forgotten past `capacity`.
 */
export class SendTimes {
  private readonly times = new Map<number, number>();

  constructor(private readonly capacity = 4096) {}

  record(dts: number, sentAt: number): void {
    this.times.delete(dts);
    this.times.set(dts, sentAt);
    if (this.times.size > this.capacity) {
      const oldest = this.times.keys().next().value;
      if (oldest !== undefined) this.times.delete(oldest);
    }
  }

  /** Milliseconds from the send of frame `dts` to `receivedAt`, or undefined if unknown. */
  latency(dts: number, receivedAt: number): number | undefined {
    const sent = this.times.get(dts);
    return sent === undefined ? undefined : receivedAt - sent;
  }

  get size(): number {
    return this.times.size;
  }
}
