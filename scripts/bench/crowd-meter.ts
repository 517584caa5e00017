import { SampleSet } from './sample-set.js';
import type { SendTimes } from './send-times.js';
import { ByteWindow } from './byte-window.js';

/**
 * What a group of viewers measured together: bytes delivered inside the measurement window,
 * time to the first keyframe, delivery latency (matched by dts), failures and disconnects.
 */
export class CrowdMeter extends ByteWindow {
  /** Viewers that could not start (refused, error status, timeout). */
  failures = 0;
  /** Viewers the server closed while they were expected to keep playing. */
  disconnects = 0;
  /** Viewers that received a first keyframe. */
  started = 0;
  /** Video frames received in the window whose dts the publisher never sent (timestamps rewritten). */
  unmatched = 0;
  readonly firstKeyframeMs = new SampleSet(20_000, 7);
  readonly latencyMs = new SampleSet(50_000, 11);
  readonly errors = new Map<string, number>();

  constructor(private readonly sendTimes: SendTimes) {
    super();
  }

  /** A video frame (not a sequence header) arrived at `now`. */
  videoFrame(dts: number, now: number): void {
    if (!this.counting) return;
    const latency = this.sendTimes.latency(dts, now);
    if (latency === undefined) this.unmatched++;
    else this.latencyMs.add(latency);
  }

  firstKeyframe(ms: number): void {
    this.started++;
    this.firstKeyframeMs.add(ms);
  }

  /** Count an error by message (bounded number of distinct messages). */
  error(message: string): void {
    const key = message.slice(0, 120);
    if (this.errors.has(key) || this.errors.size < 20) this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  /** The most frequent error, for the report. */
  topError(): string | undefined {
    let best: [string, number] | undefined;
    for (const e of this.errors) if (!best || e[1] > best[1]) best = e;
    return best ? `${best[0]} (×${best[1]})` : undefined;
  }
}
