/**
 * A FIFO of received buffers read without copying: headers are peeked byte by byte (they may
 * straddle two socket reads), payload is taken as views of the received buffers.
 */
export class ByteQueue {
  private bufs: Buffer[] = [];
  private head = 0;
  /** Read offset in bufs[head]. */
  private off = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.bufs.push(b);
    this.size += b.length;
  }

  /** The byte at logical index i (i < length). */
  peek(i: number): number {
    let k = this.head;
    let j = this.off + i;
    while (j >= this.bufs[k]!.length) {
      j -= this.bufs[k]!.length;
      k++;
    }
    return this.bufs[k]![j]!;
  }

  /** Big-endian unsigned integer of n bytes (n <= 4) at logical index i, without consuming. */
  peekUInt(i: number, n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 256 + this.peek(i + k);
    return v;
  }

  skip(n: number): void {
    while (n > 0) {
      const cur = this.bufs[this.head]!;
      const avail = cur.length - this.off;
      if (n < avail) {
        this.off += n;
        this.size -= n;
        return;
      }
      n -= avail;
      this.size -= avail;
      this.dropHead();
    }
  }

  /** Up to n bytes from the head buffer, as a view (never copies). */
  take(n: number): Buffer {
    const cur = this.bufs[this.head]!;
    const end = Math.min(cur.length, this.off + n);
    const v = cur.subarray(this.off, end);
    this.size -= v.length;
    if (end === cur.length) this.dropHead();
    else this.off = end;
    return v;
  }

  private dropHead(): void {
    this.bufs[this.head] = undefined as unknown as Buffer;
    this.head++;
    this.off = 0;
    if (this.head > 32 && this.head * 2 > this.bufs.length) {
      this.bufs = this.bufs.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.bufs.length) {
      this.bufs = [];
      this.head = 0;
    }
  }
}
