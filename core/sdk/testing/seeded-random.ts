/** A small seeded PRNG (mulberry32) so fuzz tests are reproducible. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A copy of `input` with a few random byte flips, insertions, deletions or truncation. */
  mutate(input: Uint8Array): Buffer {
    let b = Buffer.from(input);
    const edits = 1 + this.int(4);
    for (let e = 0; e < edits; e++) {
      const op = this.int(5);
      const at = b.length === 0 ? 0 : this.int(b.length);
      if (op === 0 && b.length > 0) b[at] = this.int(256);
      else if (op === 1 && b.length > 0) b[at] = b[at]! ^ (1 << this.int(8));
      else if (op === 2) b = Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(8)), b.subarray(at)]);
      else if (op === 3) b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(8)))]);
      else b = b.subarray(0, at);
    }
    return b;
  }

  /** Split `input` into random pieces (for incremental parsers). */
  split(input: Buffer, maxPiece: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < input.length; ) {
      const n = 1 + this.int(maxPiece);
      out.push(input.subarray(i, i + n));
      i += n;
    }
    return out;
  }
}

/** The same generator as a bare function: uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}
