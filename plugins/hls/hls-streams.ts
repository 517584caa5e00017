/**
 * The owner of every stream's HLS state (the seed's leak, a global map that grew forever, cannot
 * happen here): a state is created when a stream is published, kept through reconnects, ended with
 * EXT-X-ENDLIST `endGraceMs` after its publisher left, and released with its live segments
 * `stateTtlMs` after that. At most `maxStreams` states; `stop()` releases them all.
 */
import {
  describeError,
  type EventsApi,
  type Logger,
  type Reader,
  type StorageProvider,
  type StreamApi,
  type StreamEvent,
} from 'xlive/sdk';
import type { HlsConfig } from './config.js';
import type { HlsMetrics } from './hls-metrics.js';
import { HlsStream } from './hls-stream.js';
import { recordingStoreOf } from './recording-access.js';

export interface HlsStreamsDeps {
  streams: Pick<StreamApi, 'subscribe' | 'onEvent' | 'list'>;
  events: Pick<EventsApi, 'record'>;
  config: HlsConfig;
  log: Logger;
  metrics: HlsMetrics;
  /** A stream's own playlist window (per-stream settings), when it differs from the config's. */
  windowSizeFor?(path: string): number | undefined;
  /** A state was released (forget its viewers). */
  onReleased?(path: string): void;
  now?: () => number;
}

interface Entry {
  stream: HlsStream;
  reader: Reader | undefined;
  sessionId: string | undefined;
  /** When the publisher left (for choosing what to release first). */
  leftAt: number;
  graceTimer: NodeJS.Timeout | undefined;
  ttlTimer: NodeJS.Timeout | undefined;
}

/** The last muxer/write error, for the health check. */
export interface HlsErrorState {
  count: number;
  lastAt: number;
  lastMessage: string;
}

export class HlsStreams {
  private readonly entries = new Map<string, Entry>();
  private readonly disposing = new Set<Promise<void>>();
  private readonly now: () => number;
  private provider: StorageProvider | undefined;
  private offEvents: (() => void) | undefined;
  private stopped = false;
  readonly errors: HlsErrorState = { count: 0, lastAt: 0, lastMessage: '' };

  constructor(private readonly deps: HlsStreamsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Streams created from now on (a new path, or one whose state was released) use `config`. */
  reconfigure(config: HlsConfig): void {
    this.deps.config = config;
  }

  /** Start following the hub: every stream published from now on (and those already live) gets HLS. */
  start(provider: StorageProvider): void {
    this.provider = provider;
    this.offEvents = this.deps.streams.onEvent((e) => this.onEvent(e));
    for (const s of this.deps.streams.list()) if (s.publisher) this.published(s.path, s.publisher.sessionId);
  }

  get storage(): StorageProvider | undefined {
    return this.provider;
  }

  get size(): number {
    return this.entries.size;
  }

  get(path: string): HlsStream | undefined {
    return this.entries.get(path)?.stream;
  }

  paths(): string[] {
    return [...this.entries.keys()];
  }

  /** Detach from the hub, end every stream and delete its live segments. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.offEvents?.();
    this.offEvents = undefined;
    for (const [path, entry] of [...this.entries]) {
      entry.reader?.close();
      entry.reader = undefined;
      this.release(path, entry);
    }
    await Promise.all([...this.disposing]);
  }

  private onEvent(e: StreamEvent): void {
    if (e.type === 'published') this.published(e.path, e.sessionId);
    else if (e.type === 'unpublished') {
      const entry = this.entries.get(e.path);
      if (entry && entry.sessionId === e.sessionId) this.left(e.path, entry);
    }
  }

  private published(path: string, sessionId: string): void {
    const provider = this.provider;
    if (this.stopped || !provider) return;
    let entry = this.entries.get(path);
    if (entry?.sessionId === sessionId) return;
    if (entry && !entry.reader && entry.stream.windowSize !== this.windowSizeOf(path)) {
      // The stream's window setting changed since its state was made: this publish starts afresh.
      this.release(path, entry);
      entry = undefined;
    }
    if (!entry) {
      this.makeRoom();
      entry = { stream: this.createStream(path, provider), reader: undefined, sessionId: undefined, leftAt: 0, graceTimer: undefined, ttlTimer: undefined };
      this.entries.set(path, entry);
    } else {
      if (entry.reader) this.left(path, entry);
      this.deps.log.info(`${path} is back: continuing its playlist after a discontinuity`);
    }
    clearTimers(entry);
    entry.sessionId = sessionId;
    entry.stream.begin(sessionId, recordingStoreOf(provider));
    const owner = entry;
    try {
      const reader = this.deps.streams.subscribe(path, {
        // Not 'hls': HLS viewers are counted apart (setExtraReaders), and this reader is the muxer, not a viewer.
        protocol: 'hls-muxer',
        gopCache: false,
        internal: true,
        sink: {
          write: (frame) => owner.stream.write(frame),
          close: (reason) => {
            if (owner.reader !== reader) return;
            owner.reader = undefined;
            this.deps.log.warn(`hls muxer of ${path} detached by the hub (${reason})`);
            this.left(path, owner);
          },
        },
      });
      owner.reader = reader;
    } catch (err) {
      this.deps.log.warn(`cannot follow ${path} for hls: ${describeError(err)}`);
      this.left(path, owner);
    }
  }

  /** The publisher left: last segment, then ENDLIST after the grace period, then release after the TTL. */
  private left(path: string, entry: Entry): void {
    const reader = entry.reader;
    entry.reader = undefined;
    entry.sessionId = undefined;
    reader?.close();
    entry.stream.end();
    entry.leftAt = this.now();
    clearTimers(entry);
    const { endGraceMs, stateTtlMs } = this.deps.config;
    entry.graceTimer = setTimeout(() => entry.stream.markEnded(), endGraceMs);
    entry.ttlTimer = setTimeout(() => this.release(path, entry), stateTtlMs);
    entry.graceTimer.unref();
    entry.ttlTimer.unref();
  }

  private release(path: string, entry: Entry): void {
    if (this.entries.get(path) !== entry) return;
    clearTimers(entry);
    this.entries.delete(path);
    this.deps.onReleased?.(path);
    const done: Promise<void> = entry.stream
      .dispose()
      .catch((err: unknown) => this.deps.log.warn(`releasing hls state of ${path} failed: ${describeError(err)}`))
      .finally(() => this.disposing.delete(done));
    this.disposing.add(done);
  }

  /** Over `maxStreams`: release the stream whose publisher left first (live ones are bounded by the hub). */
  private makeRoom(): void {
    while (this.entries.size >= this.deps.config.maxStreams) {
      let oldest: [string, Entry] | undefined;
      for (const item of this.entries) {
        if (item[1].sessionId !== undefined) continue;
        if (!oldest || item[1].leftAt < oldest[1].leftAt) oldest = item;
      }
      if (!oldest) return;
      this.release(oldest[0], oldest[1]);
    }
  }

  private windowSizeOf(path: string): number {
    return this.deps.windowSizeFor?.(path) ?? this.deps.config.windowSize;
  }

  private createStream(path: string, provider: StorageProvider): HlsStream {
    const { log, metrics, events } = this.deps;
    const config = { ...this.deps.config, windowSize: this.windowSizeOf(path) };
    return new HlsStream({
      path,
      config,
      provider,
      log,
      metrics,
      onError: (kind, message) => {
        this.errors.count++;
        this.errors.lastAt = this.now();
        this.errors.lastMessage = `${kind}: ${message}`;
      },
      onRecordingPaused: (p, recordingId, reason) => {
        try {
          events.record({
            type: 'recording.paused',
            severity: 'warn',
            stream: p,
            message: `recording of ${p} stopped: storage is full (live goes on)`,
            data: { recordingId, reason },
          });
        } catch (err) {
          log.warn(`cannot record the recording.paused event: ${describeError(err)}`);
        }
      },
    });
  }
}

function clearTimers(entry: Entry): void {
  clearTimeout(entry.graceTimer);
  clearTimeout(entry.ttlTimer);
  entry.graceTimer = undefined;
  entry.ttlTimer = undefined;
}
