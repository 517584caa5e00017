import type { AudioInfo, FrameInit, MediaInfo, VideoInfo } from '../sdk/media.js';
import type { PublisherInfo, ReaderSink, StreamStats } from '../sdk/streams.js';
import { GopCache } from './gop-cache.js';
import { HubReader, type ReaderBudget, type ReaderOwner } from './hub-reader.js';
import { IngestMeter } from './ingest-meter.js';
import { MediaFrame } from './media-frame.js';

export interface LiveStreamHooks {
  readerAdded(stream: LiveStream, reader: HubReader): void;
  readerRemoved(stream: LiveStream, reader: HubReader, reason: string): void;
  readerSlow(stream: LiveStream, reader: HubReader): void;
  framesDropped(stream: LiveStream, reader: HubReader, count: number): void;
  sinkFailed(stream: LiveStream, reader: HubReader, err: unknown): void;
}

export interface PublisherSession {
  info: PublisherInfo;
  sessionId: string;
  since: number;
  controller: AbortController;
  /** Payload bytes pushed in this session. */
  bytesIn: number;
}

/**
 * One published `<app>/<stream>`: the latest metadata and sequence headers, the GOP cache, the readers.
 * Owned by the StreamHub, released when its publisher leaves (nothing of it outlives the session).
 */
export class LiveStream implements ReaderOwner {
  readonly readers = new Map<string, HubReader>();
  publisher: PublisherSession | null = null;
  private metadata: MediaFrame | undefined;
  private metadataValues: Record<string, unknown> = {};
  private videoHeader: MediaFrame | undefined;
  private audioHeader: MediaFrame | undefined;
  private media: MediaInfo = {};
  private readonly gop: GopCache;
  private readonly meter: IngestMeter;
  private lastDts = 0;
  private droppedFrames = 0;
  private slowDisconnects = 0;
  private readonly createdAt: number;
  private readonly extraReaders = new Map<string, number>();

  constructor(
    readonly app: string,
    readonly name: string,
    readonly path: string,
    gopCacheBytes: number,
    private readonly budget: ReaderBudget,
    private readonly hooks: LiveStreamHooks,
    private readonly now: () => number,
  ) {
    this.gop = new GopCache(gopCacheBytes);
    this.meter = new IngestMeter(now);
    this.createdAt = now();
  }

  push(init: FrameInit): void {
    const frame = new MediaFrame(init);
    this.lastDts = frame.dts;
    this.meter.record(frame.payload.byteLength, frame.track === 'video', frame.track === 'video' && frame.keyframe && !frame.sequenceHeader ? frame.dts : undefined);
    if (frame.sequenceHeader) {
      if (frame.track === 'video') this.videoHeader = frame;
      else if (frame.track === 'audio') this.audioHeader = frame;
    } else {
      this.gop.push(frame);
    }
    for (const reader of this.readers.values()) reader.deliver(frame);
  }

  setMetadata(payload: Uint8Array, values: Record<string, unknown>): void {
    this.metadataValues = values;
    // Metadata travels at timestamp 0, as FLV demuxers expect (ffmpeg reads a later one as a data stream).
    const frame = new MediaFrame({ track: 'data', codec: 'amf0', dts: 0, payload });
    this.metadata = frame;
    for (const reader of this.readers.values()) reader.deliver(frame);
  }

  setMediaInfo(info: { video?: VideoInfo; audio?: AudioInfo }): void {
    this.media = { ...this.media, ...info };
  }

  hasVideo(): boolean {
    return this.videoHeader !== undefined || this.media.video !== undefined;
  }

  /** A new publisher session (first publish, or a takeover): the old headers and GOP are stale. */
  resetMedia(): void {
    this.metadata = undefined;
    this.metadataValues = {};
    this.videoHeader = undefined;
    this.audioHeader = undefined;
    this.media = {};
    this.gop.clear();
  }

  addReader(id: string, sink: ReaderSink, budget: Partial<ReaderBudget>, protocol: string, remote: string | undefined, withGop: boolean, internal = false): HubReader {
    const reader = new HubReader(id, this.path, sink, { ...this.budget, ...budget }, this, this.now, protocol, remote);
    reader.internal = internal;
    this.readers.set(id, reader);
    this.hooks.readerAdded(this, reader);
    // Start the reader on a keyframe: metadata and sequence headers restamped to the GOP's start, then the GOP.
    const gop = withGop ? this.gop.snapshot() : [];
    const start = gop[0]?.dts ?? this.lastDts;
    if (this.metadata) reader.deliver(this.metadata);
    for (const header of [this.videoHeader, this.audioHeader]) {
      if (header && !reader.isClosed) reader.deliver(header.restamped(start));
    }
    for (const frame of gop) {
      if (reader.isClosed) break;
      reader.deliver(frame);
    }
    return reader;
  }

  /** End every reader (stream ended or shutdown). */
  endReaders(reason: 'stream-ended' | 'shutdown' | 'kicked'): void {
    for (const reader of [...this.readers.values()]) reader.end(reason);
  }

  setExtraReaders(protocol: string, count: number): void {
    if (count > 0) this.extraReaders.set(protocol, count);
    else this.extraReaders.delete(protocol);
  }

  // ReaderOwner
  readerClosed(reader: HubReader, reason: string): void {
    if (!this.readers.delete(reader.id)) return;
    if (reason === 'slow-reader') this.slowDisconnects++;
    this.hooks.readerRemoved(this, reader, reason);
  }
  readerSlow(reader: HubReader): void {
    this.hooks.readerSlow(this, reader);
  }
  framesDropped(reader: HubReader, count: number): void {
    this.droppedFrames += count;
    this.hooks.framesDropped(this, reader, count);
  }
  sinkFailed(reader: HubReader, err: unknown): void {
    this.hooks.sinkFailed(this, reader, err);
  }

  stats(): StreamStats {
    const byProtocol: Record<string, number> = {};
    let total = 0;
    for (const r of this.readers.values()) {
      if (r.internal) continue;
      byProtocol[r.stats.protocol] = (byProtocol[r.stats.protocol] ?? 0) + 1;
      total++;
    }
    for (const [protocol, count] of this.extraReaders) {
      byProtocol[protocol] = (byProtocol[protocol] ?? 0) + count;
      total += count;
    }
    const rate = this.meter.read();
    const p = this.publisher;
    return {
      path: this.path,
      app: this.app,
      name: this.name,
      publisher: p ? { protocol: p.info.protocol, remote: p.info.remote, since: p.since, sessionId: p.sessionId } : null,
      media: { ...this.media },
      metadata: { ...this.metadataValues },
      ingest: { bitrateBps: rate.bitrateBps, fps: rate.fps, frames: this.meter.frames, bytes: this.meter.bytes, keyframeIntervalMs: this.meter.keyframeIntervalMs },
      readers: total,
      readersByProtocol: byProtocol,
      drops: { frames: this.droppedFrames, slowDisconnects: this.slowDisconnects },
      gopCacheBytes: this.gop.bytes,
      uptimeMs: this.now() - (p?.since ?? this.createdAt),
    };
  }
}
