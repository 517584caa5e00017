/**
 * Event-loop lag from `perf_hooks.monitorEventLoopDelay`: a libuv timer every `resolution` ms records
 * how late it fired (Node's histogram includes the resolution itself, subtracted here). `read()` reports
 * the worse of the current window and the previous completed one, so a stall stays visible to the
 * next poll whenever a reader happened to close a window just after it.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

const RESOLUTION_MS = 50;
const ZERO: LoopLag = Object.freeze({ p99Ms: 0, maxMs: 0, meanMs: 0 });

export class LoopLagMonitor {
  private histogram: IntervalHistogram | undefined;
  private previous: LoopLag = ZERO;
  private windowStart = 0;

  constructor(
    /** A window closes at the first read after this long. */
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.windowStart = this.now();
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  read(): LoopLag {
    const h = this.histogram;
    if (!h) return this.previous;
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
    const current = h.count > 0 ? { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean) } : ZERO;
    const worse = {
      p99Ms: Math.max(current.p99Ms, this.previous.p99Ms),
      maxMs: Math.max(current.maxMs, this.previous.maxMs),
      meanMs: h.count > 0 ? current.meanMs : this.previous.meanMs,
    };
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.previous = current;
      h.reset();
      this.windowStart = t;
    }
    return worse;
  }
}
