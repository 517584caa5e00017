import type { Frame } from '../sdk/media.js';
import type { Reader, ReaderCloseReason, ReaderSink, ReaderStats } from '../sdk/streams.js';

export interface ReaderBudget {
  maxQueueBytes: number;
  maxQueueMs: number;
  /** How long a reader may stay over budget before it is disconnected. */
  graceMs: number;
}

export interface ReaderOwner {
  /** The reader left (its own close or the hub's); the owner forgets it. */
  readerClosed(reader: HubReader, reason: string): void;
  /** The reader fell behind for the first time in a while (for events and counters). */
  readerSlow(reader: HubReader): void;
  /** The reader dropped `count` frames. */
  framesDropped(reader: HubReader, count: number): void;
  /** Whether the stream carries video (audio-only streams resume on any audio frame). */
  hasVideo(): boolean;
  /** The sink's `write` (or `close`) threw: the reader is ended (`sink-failed`), nobody else is touched. */
  sinkFailed(reader: HubReader, err: unknown): void;
}

/**
 * One reader's bounded queue between the hub and a transport. The publisher calls `deliver` and never
 * waits: when the sink reports backpressure frames queue up to the budget; over budget the queue is
 * dropped up to the next keyframe; over budget for longer than the grace period, the reader is closed.
 */
export class HubReader implements Reader {
  readonly stats: ReaderStats;
  /** Not a viewer (a remuxer): left out of reader counts. */
  internal = false;
  private queue: Frame[] = [];
  private head = 0;
  private blocked = false;
  private dropping = false;
  private overBudgetSince: number | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    readonly path: string,
    private readonly sink: ReaderSink,
    private readonly budget: ReaderBudget,
    private readonly owner: ReaderOwner,
    private readonly now: () => number,
    protocol: string,
    remote: string | undefined,
  ) {
    this.stats = { protocol, remote, since: now(), framesSent: 0, bytesSent: 0, framesDropped: 0, queuedBytes: 0 };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  deliver(frame: Frame): void {
    if (this.closed) return;
    if (this.dropping) {
      if (!isResumePoint(frame, this.owner.hasVideo())) {
        if (!mustKeep(frame)) {
          this.drop(1);
          if (this.blocked && this.overBudgetSince !== undefined && this.now() - this.overBudgetSince > this.budget.graceMs) {
            this.end('slow-reader');
          }
          return;
        }
      } else {
        this.dropping = false;
      }
    }
    if (!this.blocked && this.head === this.queue.length) {
      this.send(frame);
      return;
    }
    this.queue.push(frame);
    this.stats.queuedBytes += frame.payload.byteLength;
    this.checkBudget(frame);
  }

  resume(): void {
    if (this.closed) return;
    this.blocked = false;
    while (this.head < this.queue.length && !this.blocked && !this.closed) {
      const frame = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Frame; // release the reference
      this.stats.queuedBytes -= frame.payload.byteLength;
      this.send(frame);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (!this.blocked) this.overBudgetSince = undefined;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  close(): void {
    this.finish('client-closed');
  }

  /** Closed by the hub: tell the sink, then forget. A sink whose `close` throws is reported, never rethrown. */
  end(reason: ReaderCloseReason): void {
    if (this.closed) return;
    this.finish(reason);
    try {
      this.sink.close(reason);
    } catch (err) {
      this.owner.sinkFailed(this, err);
    }
  }

  /** A throwing sink ends only this reader: the frame still reaches every other reader, the publisher never sees it. */
  private send(frame: Frame): void {
    let accepted: boolean;
    try {
      accepted = this.sink.write(frame);
    } catch (err) {
      this.owner.sinkFailed(this, err);
      this.end('sink-failed');
      return;
    }
    this.stats.framesSent++;
    this.stats.bytesSent += frame.payload.byteLength;
    if (!accepted) this.blocked = true;
  }

  private checkBudget(latest: Frame): void {
    let first: Frame | undefined;
    for (let i = this.head; i < this.queue.length && !first; i++) if (this.queue[i]!.track !== 'data') first = this.queue[i];
    const spanMs = first && latest.track !== 'data' ? latest.dts - first.dts : 0;
    if (this.stats.queuedBytes <= this.budget.maxQueueBytes && spanMs <= this.budget.maxQueueMs) return;
    const t = this.now();
    if (this.overBudgetSince === undefined) {
      this.overBudgetSince = t;
      this.owner.readerSlow(this);
    } else if (t - this.overBudgetSince > this.budget.graceMs) {
      this.end('slow-reader');
      return;
    }
    // Drop what is queued (keeping sequence headers and metadata) and skip to the next keyframe.
    const kept: Frame[] = [];
    let dropped = 0;
    let keptBytes = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const f = this.queue[i]!;
      if (mustKeep(f)) {
        kept.push(f);
        keptBytes += f.payload.byteLength;
      } else dropped++;
    }
    this.queue = kept;
    this.head = 0;
    this.stats.queuedBytes = keptBytes;
    this.dropping = true;
    this.drop(dropped);
  }

  private drop(count: number): void {
    if (count <= 0) return;
    this.stats.framesDropped += count;
    this.owner.framesDropped(this, count);
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.stats.queuedBytes = 0;
    this.owner.readerClosed(this, reason);
  }
}

function mustKeep(f: Frame): boolean {
  return f.sequenceHeader || f.track === 'data';
}

/** Where a reader that dropped frames may pick up again: a video keyframe, or audio when there is no video. */
function isResumePoint(f: Frame, hasVideo: boolean): boolean {
  if (f.sequenceHeader) return false;
  return f.track === 'video' ? f.keyframe : f.track === 'audio' && !hasVideo;
}
