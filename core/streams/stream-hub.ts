import { randomUUID } from 'node:crypto';
import { LimitExceededError, StreamBusyError, StreamNotFoundError } from '../errors/xlive-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { AudioInfo, FrameInit, VideoInfo } from '../sdk/media.js';
import type {
  Publisher,
  PublisherInfo,
  Reader,
  StreamApi,
  StreamEvent,
  StreamEventListener,
  StreamStats,
  SubscribeOptions,
} from '../sdk/streams.js';
import type { HubReader } from './hub-reader.js';
import { LiveStream, type LiveStreamHooks, type PublisherSession } from './live-stream.js';
import { parseStreamPath } from './stream-path.js';

export interface StreamHubOptions {
  gopCacheBytes: number;
  readerQueueBytes: number;
  readerQueueMs: number;
  slowReaderGraceMs: number;
  maxStreams: number;
  /** A second publisher takes the path over instead of being refused. */
  takeover: boolean;
}

export const DEFAULT_STREAM_HUB_OPTIONS: StreamHubOptions = {
  gopCacheBytes: 8 * 1024 * 1024,
  readerQueueBytes: 4 * 1024 * 1024,
  readerQueueMs: 5000,
  slowReaderGraceMs: 10_000,
  maxStreams: 64,
  takeover: false,
};

/** Totals since start, for metrics. */
export interface HubCounters {
  framesIn: number;
  bytesIn: number;
  framesDropped: number;
  slowDisconnects: number;
  publishes: number;
  /** Readers ended because their sink threw. */
  sinkFailures: number;
}

/**
 * The seed's StreamManager: one publisher per `<app>/<stream>`, readers joined with bounded queues.
 * A stream exists exactly while it has a publisher; when the publisher leaves its readers end and every
 * piece of per-stream state is released (the seed's leak cannot happen: nothing is keyed outside it).
 */
export class StreamHub implements StreamApi {
  readonly counters: HubCounters = { framesIn: 0, bytesIn: 0, framesDropped: 0, slowDisconnects: 0, publishes: 0, sinkFailures: 0 };
  private options: StreamHubOptions;
  private readonly streams = new Map<string, LiveStream>();
  private readonly listeners = new Set<StreamEventListener>();
  private readonly hooks: LiveStreamHooks;
  /** Bytes of ended publisher sessions and readers, by protocol (live ones are summed at read time). */
  private readonly endedIn = new Map<string, number>();
  private readonly endedOut = new Map<string, number>();
  private frameTimer: ((seconds: number) => void) | undefined;

  constructor(
    options: Partial<StreamHubOptions> = {},
    private readonly log: Logger = silentLogger(),
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = randomUUID,
  ) {
    this.options = { ...DEFAULT_STREAM_HUB_OPTIONS, ...options };
    this.hooks = {
      readerAdded: (s, r) => this.emit({ type: 'reader-added', path: s.path, readerId: r.id, protocol: r.stats.protocol, remote: r.stats.remote }),
      readerRemoved: (s, r, reason) => {
        if (reason === 'slow-reader') this.counters.slowDisconnects++;
        addTo(this.endedOut, r.stats.protocol, r.stats.bytesSent);
        this.emit({ type: 'reader-removed', path: s.path, readerId: r.id, protocol: r.stats.protocol, reason });
      },
      readerSlow: (s, r) => {
        this.log.info(`reader ${r.stats.remote ?? r.id} on ${s.path} is falling behind, dropping to the next keyframe`);
        this.emit({ type: 'reader-slow', path: s.path, readerId: r.id, protocol: r.stats.protocol, remote: r.stats.remote });
      },
      framesDropped: (_s, _r, n) => {
        this.counters.framesDropped += n;
      },
      sinkFailed: (s, r, err) => {
        this.counters.sinkFailures++;
        this.log.warn(`reader ${r.stats.remote ?? r.id} (${r.stats.protocol}) on ${s.path} ended: its sink threw: ${err instanceof Error ? err.message : String(err)}`);
      },
    };
  }

  parsePath(path: string): { app: string; name: string; path: string } {
    return parseStreamPath(path);
  }

  publish(rawPath: string, info: PublisherInfo): Publisher {
    const { app, name, path } = parseStreamPath(rawPath);
    let stream = this.streams.get(path);
    if (stream?.publisher) {
      if (!this.options.takeover) {
        throw new StreamBusyError(`stream ${path} already has a publisher (${stream.publisher.info.remote ?? stream.publisher.info.protocol})`);
      }
      this.log.info(`${path} taken over by ${info.remote ?? info.protocol}`);
      this.endSession(stream, stream.publisher, 'taken over', false);
    }
    if (!stream) {
      if (this.streams.size >= this.options.maxStreams) {
        throw new LimitExceededError(`cannot publish ${path}: the box already carries ${this.options.maxStreams} streams`);
      }
      const budget = {
        maxQueueBytes: this.options.readerQueueBytes,
        maxQueueMs: this.options.readerQueueMs,
        graceMs: this.options.slowReaderGraceMs,
      };
      stream = new LiveStream(app, name, path, this.options.gopCacheBytes, budget, this.hooks, this.now);
      this.streams.set(path, stream);
    }
    stream.resetMedia();
    const session: PublisherSession = { info, sessionId: this.newId(), since: this.now(), controller: new AbortController(), bytesIn: 0 };
    stream.publisher = session;
    this.counters.publishes++;
    this.emit({ type: 'published', path, sessionId: session.sessionId, protocol: info.protocol, remote: info.remote });
    return this.publisherHandle(stream, session);
  }

  /** New limits (a config change applied live): streams published and readers added from now on get them. */
  setOptions(options: Partial<StreamHubOptions>): void {
    this.options = { ...DEFAULT_STREAM_HUB_OPTIONS, ...options };
  }

  subscribe(rawPath: string, options: SubscribeOptions): Reader {
    const { path } = parseStreamPath(rawPath);
    const stream = this.streams.get(path);
    if (!stream?.publisher) throw new StreamNotFoundError(`stream ${path} is not being published`, { details: { path } });
    const budget: { maxQueueBytes?: number; maxQueueMs?: number } = {};
    if (options.maxQueueBytes !== undefined) budget.maxQueueBytes = options.maxQueueBytes;
    if (options.maxQueueMs !== undefined) budget.maxQueueMs = options.maxQueueMs;
    return stream.addReader(this.newId(), options.sink, budget, options.protocol, options.remote, options.gopCache !== false, options.internal === true);
  }

  get(rawPath: string): StreamStats | undefined {
    return this.streams.get(rawPath)?.stats();
  }

  list(): StreamStats[] {
    return [...this.streams.values()].map((s) => s.stats());
  }

  onEvent(listener: StreamEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setExtraReaders(path: string, protocol: string, count: number): void {
    this.streams.get(path)?.setExtraReaders(protocol, count);
  }

  /** Time the fan-out of one frame in 16 (for the frame processing histogram). */
  observeFrames(timer: (seconds: number) => void): void {
    this.frameTimer = timer;
  }

  /** Payload bytes in (by publisher protocol) and out (by reader protocol) since start. */
  bandwidth(): Array<{ protocol: string; direction: 'in' | 'out'; bytes: number }> {
    const inBytes = new Map(this.endedIn);
    const outBytes = new Map(this.endedOut);
    for (const s of this.streams.values()) {
      if (s.publisher) addTo(inBytes, s.publisher.info.protocol, s.publisher.bytesIn);
      for (const r of s.readers.values()) addTo(outBytes, r.stats.protocol, r.stats.bytesSent);
    }
    return [
      ...[...inBytes].map(([protocol, bytes]) => ({ protocol, direction: 'in' as const, bytes })),
      ...[...outBytes].map(([protocol, bytes]) => ({ protocol, direction: 'out' as const, bytes })),
    ];
  }

  /** Readers currently attached, across all streams. */
  readerCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.readers.size;
    return n;
  }

  /** End a publisher by path (admin kick). Returns false if nothing is published there. */
  kick(path: string, reason = 'kicked'): boolean {
    const stream = this.streams.get(path);
    if (!stream?.publisher) return false;
    this.log.info(`${path} kicked: ${reason}`);
    this.endSession(stream, stream.publisher, 'kicked', true);
    return true;
  }

  /** End the viewers of `path` (internal readers such as the HLS muxer stay); returns how many. */
  endReaders(path: string, reason = 'access revoked'): number {
    const stream = this.streams.get(path);
    if (!stream) return 0;
    const viewers = [...stream.readers.values()].filter((r) => !r.internal);
    for (const r of viewers) r.end('kicked');
    if (viewers.length > 0) this.log.info(`${path}: ${viewers.length} viewer(s) ended: ${reason}`);
    return viewers.length;
  }

  /** Shutdown: end every publisher and reader. */
  stop(): void {
    for (const stream of [...this.streams.values()]) {
      if (stream.publisher) this.endSession(stream, stream.publisher, 'shutdown', true);
    }
  }

  private publisherHandle(stream: LiveStream, session: PublisherSession): Publisher {
    const live = () => stream.publisher === session;
    const counters = this.counters;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const hub = this;
    return {
      path: stream.path,
      sessionId: session.sessionId,
      signal: session.controller.signal,
      push(init: FrameInit) {
        if (stream.publisher !== session) return;
        counters.framesIn++;
        counters.bytesIn += init.payload.byteLength;
        session.bytesIn += init.payload.byteLength;
        const timer = hub.frameTimer;
        // One frame in 16 is timed: a histogram sample per frame would cost more than the fan-out it measures.
        if (timer === undefined || (counters.framesIn & 15) !== 0) return stream.push(init);
        const t0 = performance.now();
        stream.push(init);
        timer((performance.now() - t0) / 1000);
      },
      setMetadata(payload: Uint8Array, values: Record<string, unknown>) {
        if (live()) stream.setMetadata(payload, values);
      },
      setMediaInfo(info: { video?: VideoInfo; audio?: AudioInfo }) {
        if (live()) stream.setMediaInfo(info);
      },
      close: (reason = 'publisher left') => {
        if (live()) this.endSession(stream, session, reason, true);
      },
    };
  }

  /** End one publisher session; with `release`, the stream and its readers go too. */
  private endSession(stream: LiveStream, session: PublisherSession, reason: string, release: boolean): void {
    stream.publisher = null;
    addTo(this.endedIn, session.info.protocol, session.bytesIn);
    session.controller.abort(new Error(reason));
    this.emit({ type: 'unpublished', path: stream.path, sessionId: session.sessionId, reason });
    if (!release) return;
    stream.endReaders(reason === 'shutdown' ? 'shutdown' : reason === 'kicked' ? 'kicked' : 'stream-ended');
    this.streams.delete(stream.path);
  }

  private emit(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.warn(`stream event listener failed: ${(err as Error).message}`);
      }
    }
  }
}

export type { HubReader };

function addTo(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
