import { encodeAmf0 } from '../../core/media/amf/amf0.js';
import { Csid, MessageType } from '../../plugins/rtmp/codec/chunk-writer.js';
import type { Clip, ClipTag } from './flv-file.js';
import type { KeyframeLog } from './keyframe-log.js';
import { RtmpClient } from './rtmp-client.js';
import type { SendTimes } from './send-times.js';

/**
 * Publishes a clip over RTMP in a loop at wall-clock pace: a tag with timestamp t (plus the loop
 * offset) is written when t ms have passed since the start. Codec configs and metadata are sent
 * once, at the start. The send time of every video frame is recorded by dts for latency, and that
 * of every keyframe in an optional KeyframeLog (HLS playlist lag).
 */

export interface PublisherStats {
  framesSent: number;
  bytesSent: number;
  /** Worst lag behind the schedule, ms (the bench process was too busy). */
  maxLagMs: number;
}

/** A loop is stopped if the server does not read and this many bytes pile up in the socket. */
const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;
const TICK_MS = 5;

export class ClipPublisher {
  readonly stats: PublisherStats = { framesSent: 0, bytesSent: 0, maxLagMs: 0 };
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private loopOffset = 0;
  private startedAt = 0;
  private stopped = false;
  private failure: Error | undefined;

  private constructor(
    private readonly client: RtmpClient,
    private readonly streamId: number,
    private readonly clip: Clip,
    private readonly sendTimes: SendTimes,
    private readonly keyframes: KeyframeLog | undefined,
  ) {}

  /** Connect, publish, send the configs and start the paced loop. */
  static async start(url: string, clip: Clip, sendTimes: SendTimes, timeoutMs = 10_000, keyframes?: KeyframeLog): Promise<ClipPublisher> {
    const client = await RtmpClient.open(url, timeoutMs);
    try {
      const streamId = await withTimeout(client.createStream(), timeoutMs, 'createStream');
      await withTimeout(client.publish(streamId), timeoutMs, 'publish');
      const p = new ClipPublisher(client, streamId, clip, sendTimes, keyframes);
      client.onClose = (err) => p.fail(err ?? new Error('the server closed the publisher connection'));
      p.begin();
      return p;
    } catch (err) {
      client.close();
      throw err;
    }
  }

  /** Why publishing stopped early, if it did. */
  get error(): Error | undefined {
    return this.failure;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client.close();
  }

  private begin(): void {
    for (const tag of this.clip.tags) if (tag.config) this.send(tag, 0);
    this.startedAt = performance.now();
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    const elapsed = now - this.startedAt;
    const tags = this.clip.tags;
    let guard = tags.length;
    while (guard-- > 0) {
      const tag = tags[this.index]!;
      const due = this.loopOffset + tag.timestamp;
      if (due > elapsed) break;
      this.stats.maxLagMs = Math.max(this.stats.maxLagMs, elapsed - due);
      if (!tag.config) this.send(tag, this.loopOffset);
      if (++this.index === tags.length) {
        this.index = 0;
        this.loopOffset += this.clip.durationMs;
      }
    }
    if (this.client.writableLength > MAX_BACKLOG_BYTES) {
      this.fail(new Error(`the server stopped reading: ${this.client.writableLength} bytes backlog`));
      return;
    }
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  private send(tag: ClipTag, offset: number): void {
    const timestamp = offset + tag.timestamp;
    // Script data goes out as `@setDataFrame onMetaData {…}` like encoders send it.
    const payload = tag.type === 18 ? Buffer.concat([encodeAmf0(['@setDataFrame']), tag.body]) : tag.body;
    const route = tag.type === 8 ? { typeId: MessageType.Audio, csid: Csid.Audio }
      : tag.type === 9 ? { typeId: MessageType.Video, csid: Csid.Video }
        : { typeId: MessageType.DataAmf0, csid: Csid.Data };
    this.client.sendMessage({ ...route, streamId: this.streamId, timestamp, payload });
    if (tag.type === 9 && !tag.config) {
      const now = performance.now();
      this.sendTimes.record(timestamp, now);
      if (tag.keyframe) this.keyframes?.record(now);
    }
    this.stats.framesSent++;
    this.stats.bytesSent += payload.length;
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.failure = err;
    this.stop();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
