/**
 * In-memory fixed-window counters with blocking, for publish attempts per client IP. Bounded: at most
 * `maxKeys` entries; when full, expired entries are dropped first, then the oldest.
 */
export interface AttemptLimiterOptions {
  /** Points per window. */
  points: number;
  windowMs: number;
  /** When the points are used up, the key stays blocked this long (0: until the window ends). */
  blockMs?: number;
  maxKeys?: number;
  now?: () => number;
}

interface Entry {
  count: number;
  windowStart: number;
  blockedUntil: number;
}

export type ConsumeResult = { ok: true } | { ok: false; retryAfterMs: number; blockedNow: boolean };

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly o: AttemptLimiterOptions) {
    this.maxKeys = o.maxKeys ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Remaining block time of `key` (0: not blocked). */
  blockedFor(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.blockedUntil - this.now()) : 0;
  }

  /** Use one point; refused (and blocked when `blockMs`) once the window's points are used up. */
  consume(key: string): ConsumeResult {
    const t = this.now();
    let e = this.entries.get(key);
    if (e && e.blockedUntil > t) return { ok: false, retryAfterMs: e.blockedUntil - t, blockedNow: false };
    if (!e || t - e.windowStart >= this.o.windowMs) {
      this.entries.delete(key);
      this.makeRoom(t);
      e = { count: 0, windowStart: t, blockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.count++;
    if (e.count <= this.o.points) return { ok: true };
    const blockMs = this.o.blockMs ?? 0;
    e.blockedUntil = blockMs > 0 ? t + blockMs : e.windowStart + this.o.windowMs;
    return { ok: false, retryAfterMs: e.blockedUntil - t, blockedNow: true };
  }

  get size(): number {
    return this.entries.size;
  }

  private makeRoom(t: number): void {
    if (this.entries.size < this.maxKeys) return;
    for (const [k, e] of this.entries) {
      if (e.blockedUntil <= t && t - e.windowStart >= this.o.windowMs) this.entries.delete(k);
    }
    while (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
