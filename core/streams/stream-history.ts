import type { StreamStats } from '../sdk/streams.js';

/** One sample of a stream: what the panel charts (viewers and bitrate over the last minutes). */
export interface HistoryPoint {
  /** Epoch ms of the sample. */
  t: number;
  bitrateBps: number;
  fps: number;
  readers: number;
  readersByProtocol: Record<string, number>;
  /** Cumulative since the publish started (the chart shows their increase). */
  droppedFrames: number;
  live: boolean;
}

export interface StreamHistoryOptions {
  intervalMs: number;
  windowMs: number;
  /** Streams kept at most (live ones first; the longest-ended are forgotten beyond it). */
  maxStreams: number;
}

/**
 * The last `windowMs` of each stream's numbers, sampled every `intervalMs`, in a fixed ring per stream:
 * bounded in points (window / interval) and in streams (`maxStreams`), never growing with uptime. A
 * stream that ends keeps its history until its last point leaves the window, so a dropped encoder
 * shows as a gap, not as a vanished chart.
 */
export class StreamHistory {
  private readonly rings = new Map<string, HistoryPoint[]>();
  private readonly capacity: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: StreamHistoryOptions) {
    this.capacity = Math.max(2, Math.ceil(o.windowMs / o.intervalMs));
  }

  get intervalMs(): number {
    return this.o.intervalMs;
  }

  get windowMs(): number {
    return this.o.windowMs;
  }

  /** Take one sample of every live stream (and mark the ones that ended since). */
  sample(live: readonly StreamStats[], now: number = Date.now()): void {
    const seen = new Set<string>();
    for (const s of live) {
      seen.add(s.path);
      this.push(s.path, {
        t: now,
        bitrateBps: Math.round(s.ingest.bitrateBps),
        fps: Math.round(s.ingest.fps * 100) / 100,
        readers: s.readers,
        readersByProtocol: { ...s.readersByProtocol },
        droppedFrames: s.drops.frames,
        live: s.publisher !== null,
      });
    }
    for (const [path, ring] of this.rings) {
      const last = ring.at(-1)!;
      if (now - last.t > this.o.windowMs) this.rings.delete(path);
      else if (!seen.has(path) && last.live) this.push(path, { t: now, bitrateBps: 0, fps: 0, readers: 0, readersByProtocol: {}, droppedFrames: last.droppedFrames, live: false });
    }
    this.bound();
  }

  /** The samples of one stream, oldest first, or undefined when it has none in the window. */
  get(path: string): HistoryPoint[] | undefined {
    const ring = this.rings.get(path);
    return ring ? [...ring] : undefined;
  }

  /** Sample `source()` every interval until `stop()`. */
  start(source: () => readonly StreamStats[]): void {
    this.stop();
    this.sample(source());
    this.timer = setInterval(() => this.sample(source()), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private push(path: string, p: HistoryPoint): void {
    let ring = this.rings.get(path);
    if (!ring) this.rings.set(path, (ring = []));
    ring.push(p);
    if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
  }

  /** Beyond `maxStreams`: forget the ended streams whose last sample is oldest. */
  private bound(): void {
    if (this.rings.size <= this.o.maxStreams) return;
    const ended = [...this.rings.entries()].filter(([, r]) => !r.at(-1)!.live).sort((a, b) => a[1].at(-1)!.t - b[1].at(-1)!.t);
    for (const [path] of ended) {
      if (this.rings.size <= this.o.maxStreams) break;
      this.rings.delete(path);
    }
  }
}
