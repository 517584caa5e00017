/**
 * Batching within one event-loop turn: the first write of a turn corks the socket and a nextTick
 * uncorks it, so everything written in that turn (several frames parsed from one TCP read, each as
 * header + payload views) leaves in one writev syscall, uncopied. No batching across time: latency
 * is unchanged.
 */
export interface CorkableWritable {
  cork(): void;
  uncork(): void;
  write(chunk: Uint8Array): boolean;
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  readonly destroyed: boolean;
}

export class TurnWriter {
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    if (!this.target.destroyed) this.target.uncork();
  };

  constructor(private readonly target: CorkableWritable) {}

  /** Queue the chunks for this turn. Returns false when the socket's buffer is over its high-water mark. */
  write(chunks: readonly Uint8Array[]): boolean {
    const t = this.target;
    if (t.destroyed) return true;
    if (!this.corked) {
      this.corked = true;
      t.cork();
      process.nextTick(this.uncork);
    }
    for (let i = 0; i < chunks.length; i++) t.write(chunks[i]!);
    return t.writableLength < t.writableHighWaterMark;
  }

  /** Bytes accepted but not yet handed to the OS. */
  get buffered(): number {
    return this.target.writableLength;
  }
}
