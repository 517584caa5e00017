import type { Frame, FrameInit, MediaInfo, VideoInfo, AudioInfo } from './media.js';

/** `<app>/<stream>`, validated by the hub (safe characters, bounded length, no `..`). */
export type StreamPath = string;

export interface PublisherInfo {
  /** Protocol plugin id or protocol name (`rtmp`). */
  protocol: string;
  /** Remote address:port, for logs and stats. */
  remote?: string;
}

export interface Publisher {
  readonly path: StreamPath;
  /** A new session id, different on every publish (HLS uses it for discontinuities). */
  readonly sessionId: string;
  /** Publish a frame. Never blocks, never awaits a reader. */
  push(init: FrameInit): void;
  /** Stream metadata from `@setDataFrame`/`onMetaData`: the raw script tag body and its decoded object. */
  setMetadata(payload: Uint8Array, values: Record<string, unknown>): void;
  /** Refine media info when codec configs arrive (called by the ingest protocol). */
  setMediaInfo(info: { video?: VideoInfo; audio?: AudioInfo }): void;
  /** Unpublish. Readers get `stream-ended`. Idempotent. */
  close(reason?: string): void;
  /** Aborted when the hub ends this publisher (takeover, kick, shutdown). */
  readonly signal: AbortSignal;
}

/** `sink-failed`: the sink's `write` threw; only that reader ends. */
export type ReaderCloseReason = 'stream-ended' | 'slow-reader' | 'kicked' | 'shutdown' | 'sink-failed';

/** What a protocol hands the hub to receive frames. */
export interface ReaderSink {
  /**
   * Write one frame. Return false when the transport is backpressured: the hub then queues
   * (bounded) until `reader.resume()` is called, typically from the socket's 'drain' event.
   */
  write(frame: Frame): boolean;
  /** The hub ends this reader. The sink should close its transport. */
  close(reason: ReaderCloseReason): void;
}

export interface SubscribeOptions {
  protocol: string;
  remote?: string;
  sink: ReaderSink;
  /** Queue budget in bytes (default from config `streams.readerQueueBytes`). */
  maxQueueBytes?: number;
  /** Queue budget in milliseconds of media (default from config `streams.readerQueueMs`). */
  maxQueueMs?: number;
  /** Start with the GOP cache (default true). */
  gopCache?: boolean;
  /** A remuxer (the HLS muxer), not a viewer: left out of reader counts in stream stats. */
  internal?: boolean;
}

export interface Reader {
  readonly id: string;
  readonly path: StreamPath;
  /** Flush the queue into the sink again after backpressure cleared. */
  resume(): void;
  /** Detach from the stream (client left). Idempotent. */
  close(): void;
  readonly stats: ReaderStats;
}

export interface ReaderStats {
  protocol: string;
  remote?: string;
  since: number;
  framesSent: number;
  bytesSent: number;
  framesDropped: number;
  queuedBytes: number;
}

export interface StreamStats {
  path: StreamPath;
  app: string;
  name: string;
  publisher: { protocol: string; remote?: string; since: number; sessionId: string } | null;
  media: MediaInfo;
  metadata: Record<string, unknown>;
  /** `keyframeIntervalMs`: media time between the last two video keyframes (null before two arrived). */
  ingest: { bitrateBps: number; fps: number; frames: number; bytes: number; keyframeIntervalMs: number | null };
  readers: number;
  readersByProtocol: Record<string, number>;
  /** Frames dropped by slow readers, and readers disconnected for being too slow. */
  drops: { frames: number; slowDisconnects: number };
  gopCacheBytes: number;
  uptimeMs: number;
}

export type StreamEvent =
  | { type: 'published'; path: StreamPath; sessionId: string; protocol: string; remote?: string }
  | { type: 'unpublished'; path: StreamPath; sessionId: string; reason: string }
  | { type: 'reader-added'; path: StreamPath; readerId: string; protocol: string; remote?: string }
  | { type: 'reader-removed'; path: StreamPath; readerId: string; protocol: string; reason: string }
  | { type: 'reader-slow'; path: StreamPath; readerId: string; protocol: string; remote?: string };

export type StreamEventListener = (event: StreamEvent) => void;

/** The slice of the core StreamHub plugins get (the seed's StreamManager). */
export interface StreamApi {
  /** Create a stream by publishing to it. Throws StreamBusyError if it already has a publisher. */
  publish(path: StreamPath, info: PublisherInfo): Publisher;
  /** Join a stream. Throws StreamNotFoundError if nothing is published there. */
  subscribe(path: StreamPath, options: SubscribeOptions): Reader;
  get(path: StreamPath): StreamStats | undefined;
  list(): StreamStats[];
  /** Subscribe to hub events; returns an unsubscribe function. Removed automatically when the plugin stops. */
  onEvent(listener: StreamEventListener): () => void;
  /** Validate and normalise `<app>/<stream>`; throws ValidationError. */
  parsePath(path: string): { app: string; name: string; path: StreamPath };
  /** End the publisher of `path` (and so its readers); false when nothing is published there. Needs `streams:admin`. */
  kick(path: StreamPath, reason?: string): boolean;
  /**
   * End the viewers of `path` (not internal remuxers such as HLS), e.g. when access to it was
   * revoked; the publisher stays. Returns how many were ended. Needs `streams:admin`.
   */
  endReaders(path: StreamPath, reason?: string): number;
  /** Record extra per-stream stats a protocol owns (e.g. HLS viewers), shown in stream stats. */
  setExtraReaders(path: StreamPath, protocol: string, count: number): void;
}
