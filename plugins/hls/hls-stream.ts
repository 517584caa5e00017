/**
 * One stream's HLS state: the segmenter of the current publisher session, the live playlist, and the
 * queue of storage writes. Frames come in synchronously from the hub; segments are stored without
 * blocking it, and a segment is listed only after its `put` resolved (a crash never leaves a half
 * segment in a playlist). Owned by HlsStreams, which ends and disposes it.
 */
import { describeError, type Frame, type Logger, type RecordingStore, type StorageProvider } from 'xlive/sdk';
import { Segmenter, type Segment } from './codec/segmenter.js';
import type { HlsConfig } from './config.js';
import type { HlsMetrics } from './hls-metrics.js';
import { LivePlaylist } from './live-playlist.js';
import { Recorder } from './recorder.js';
import { PLAYLIST_NAME, liveKey, segmentName, sessionTag } from './segment-name.js';
import { WriteQueue } from './write-queue.js';

/** `live`: a publisher is on; `grace`: it left, a reconnect continues the playlist; `ended`: EXT-X-ENDLIST. */
export type HlsPhase = 'live' | 'grace' | 'ended';

export interface HlsStreamDeps {
  /** `<app>/<stream>` */
  path: string;
  config: HlsConfig;
  provider: StorageProvider;
  log: Logger;
  metrics: HlsMetrics;
  /** Something went wrong in the muxer or a write (for the health check). */
  onError(kind: 'muxer' | 'write', message: string): void;
  /** Recording stopped for lack of space. */
  onRecordingPaused(path: string, recordingId: string, reason: string): void;
  /** Wall clock (EXT-X-PROGRAM-DATE-TIME). */
  now?: () => number;
  /** Monotonic milliseconds (playlist lag). */
  clock?: () => number;
}

/** Concurrent playlist requests that may wait for a new stream's first segment. */
const MAX_WAITERS = 1000;
/** Log the first few write failures of a stream, then one in a hundred. */
const LOG_FIRST = 3;

export class HlsStream {
  readonly path: string;
  private readonly playlist: LivePlaylist;
  private readonly writes: WriteQueue;
  private segmenter: Segmenter | undefined;
  private tag = '';
  private recorder: Recorder | undefined;
  /** The recording store of the current session (when recordings are on). */
  private recordings: RecordingStore | undefined;
  private sessions = 0;
  private phaseValue: HlsPhase = 'grace';
  private disposed = false;
  private badFramesSeen = 0;
  private writeFailures = 0;
  private readonly waiters = new Set<(ok: boolean) => void>();
  /** Recordings of past sessions still storing their last segments. */
  private readonly draining = new Set<Promise<void>>();
  private readonly clock: () => number;
  readonly windowSize: number;
  /** The newest segments' bytes, oldest first (insertion order), at most `windowSize`. */
  private readonly recent = new Map<string, Buffer>();

  constructor(private readonly deps: HlsStreamDeps) {
    this.path = deps.path;
    const { windowSize, segmentMs } = deps.config;
    // Segments that left the window stay available for one more window (RFC 8216 §6.2.2).
    this.playlist = new LivePlaylist(windowSize, windowSize * 2, segmentMs);
    this.windowSize = windowSize;
    this.writes = new WriteQueue(deps.config.maxPendingWrites, (err) => this.writeFailed(err));
    this.clock = deps.clock ?? (() => performance.now());
  }

  get phase(): HlsPhase {
    return this.phaseValue;
  }

  /** Segments listed (retained) right now. */
  get segmentCount(): number {
    return this.playlist.size;
  }

  /** A publisher session starts (first publish or a reconnect within the TTL). */
  begin(sessionId: string, recordings: RecordingStore | undefined): void {
    if (this.disposed) return;
    if (this.segmenter) this.end();
    this.tag = sessionTag(sessionId);
    this.segmenter = new Segmenter({
      targetDurationMs: this.deps.config.segmentMs,
      // A reconnect: new timestamps and maybe new encoder settings (EXT-X-DISCONTINUITY, RFC 8216 §4.3.2.3).
      startWithDiscontinuity: this.sessions > 0,
      logger: this.deps.log,
      ...(this.deps.now ? { now: this.deps.now } : {}),
    });
    this.sessions++;
    this.badFramesSeen = 0;
    this.phaseValue = 'live';
    this.playlist.setEnded(false);
    this.recordings = recordings && this.deps.config.recordings ? recordings : undefined;
    if (this.recordings && this.wantsRecording(this.recordings)) this.recorder = this.newRecorder();
  }

  private newRecorder(): Recorder {
    return new Recorder({
      path: this.path,
      provider: this.deps.provider,
      store: this.recordings!,
      log: this.deps.log,
      maxPending: this.deps.config.maxPendingWrites,
      onPaused: this.deps.onRecordingPaused,
      onSegmentRecorded: () => this.deps.metrics.recordedSegments.inc(),
    });
  }

  /**
   * Asked again at every finished segment, so a start or stop through the API (or a changed
   * "always record" setting) takes effect within one segment: a new recording starts with the
   * segment just finished (segments begin on a keyframe), a stopped one ends after the last one.
   */
  private followRecordingWish(): void {
    const store = this.recordings;
    if (!store) return;
    const wants = this.wantsRecording(store);
    if (wants && !this.recorder) {
      this.deps.log.info(`recording ${this.path}: started while live`);
      this.recorder = this.newRecorder();
    } else if (!wants && this.recorder && !this.recorder.isStopped) {
      this.deps.log.info(`recording ${this.path}: stopped while live`);
      this.endRecorder();
    }
  }

  private endRecorder(): void {
    const recorder = this.recorder;
    this.recorder = undefined;
    if (!recorder) return;
    recorder.end();
    const idle: Promise<void> = recorder.idle().finally(() => this.draining.delete(idle));
    this.draining.add(idle);
  }

  private wantsRecording(recordings: RecordingStore): boolean {
    try {
      return recordings.shouldRecord(this.path);
    } catch (err) {
      this.deps.log.warn(`cannot tell whether to record ${this.path}: ${describeError(err)}`);
      return false;
    }
  }

  /** One frame from the hub. Synchronous and cheap; never backpressures the hub. */
  write(frame: Frame): boolean {
    const seg = this.segmenter;
    if (!seg) return true;
    let done: Segment[];
    try {
      done = seg.push(frame);
    } catch (err) {
      this.deps.metrics.muxerErrors.inc();
      this.deps.onError('muxer', describeError(err));
      return true;
    }
    if (done.length > 0) {
      this.countBadFrames(seg);
      for (const s of done) this.store(s);
    }
    return true;
  }

  /** Malformed frames the segmenter dropped since the last look (checked per segment, not per frame). */
  private countBadFrames(seg: Segmenter): void {
    const bad = seg.stats.badFrames;
    if (bad === this.badFramesSeen) return;
    this.deps.metrics.muxerErrors.inc({}, bad - this.badFramesSeen);
    this.deps.onError('muxer', `${bad} malformed frames on ${this.path}`);
    this.badFramesSeen = bad;
  }

  /** The publisher left: store the last segment, end the recording; the playlist waits for `markEnded`. */
  end(): void {
    const seg = this.segmenter;
    this.segmenter = undefined;
    if (seg) {
      try {
        const last = seg.flush();
        this.countBadFrames(seg);
        if (last) this.store(last);
      } catch (err) {
        this.deps.onError('muxer', describeError(err));
      }
    }
    this.endRecorder();
    this.recordings = undefined;
    if (this.phaseValue === 'live') this.phaseValue = 'grace';
  }

  /** No reconnect within the grace period: EXT-X-ENDLIST, once every queued segment is listed. */
  markEnded(): void {
    if (this.phaseValue !== 'grace') return;
    this.phaseValue = 'ended';
    this.writes.push({
      droppable: false,
      run: async () => {
        // A reconnect may have come in meanwhile: then the playlist stays open.
        if (this.phaseValue !== 'ended') return;
        this.playlist.setEnded(true);
        await this.putPlaylist();
        this.wake(false);
      },
    });
  }

  playlistText(): string {
    return this.playlist.render();
  }

  hasSegment(name: string): boolean {
    return this.playlist.has(name);
  }

  /** The bytes of a segment of the live window, from memory (one buffer, sent with one write). */
  segmentBytes(name: string): Buffer | undefined {
    return this.recent.get(name);
  }

  /** Resolves true once the playlist lists a segment, false after `timeoutMs` or when the stream ends. */
  waitForSegment(timeoutMs: number): Promise<boolean> {
    if (this.playlist.size > 0) return Promise.resolve(true);
    if (this.disposed || this.phaseValue === 'ended' || this.waiters.size >= MAX_WAITERS) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Release everything: pending writes dropped, the live segments and playlist deleted. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.end();
    this.disposed = true;
    this.wake(false);
    this.writes.close();
    await this.writes.idle();
    await Promise.all([...this.draining]);
    this.recent.clear();
    const names = [...this.playlist.list().map((s) => s.name), PLAYLIST_NAME];
    for (const name of names) await this.deleteLive(name);
  }

  private store(seg: Segment): void {
    const closedAt = this.clock();
    const name = segmentName(this.tag, seg.sequence);
    if (this.segmenter) this.followRecordingWish();
    this.recorder?.add(seg, name);
    this.writes.push({
      droppable: true,
      run: async () => {
        try {
          await this.deps.provider.put('live', liveKey(this.path, name), seg.bytes);
        } catch (err) {
          this.playlist.markGap();
          this.deps.metrics.segmentsDropped.inc({ reason: 'write-failed' });
          throw err;
        }
        const evicted = this.playlist.add({
          name,
          durationMs: seg.durationMs,
          discontinuity: seg.discontinuity,
          programDateTime: seg.programDateTime,
          bytes: seg.byteLength,
        });
        this.keepRecent(name, seg.bytes, seg.byteLength);
        this.deps.metrics.playlistLag.observe({}, (this.clock() - closedAt) / 1000);
        this.deps.metrics.segmentsWritten.inc();
        this.wake(true);
        await this.putPlaylist();
        for (const old of evicted) await this.deleteLive(old.name);
      },
      dropped: (reason) => {
        if (reason !== 'overflow') return;
        this.playlist.markGap();
        this.deps.metrics.segmentsDropped.inc({ reason: 'queue-full' });
        this.deps.log.warn(`storage too slow for ${this.path}: dropped segment ${name}`);
      },
    });
  }

  /**
   * Players fetch each new segment right after the playlist names it: the newest `windowSize`
   * segments stay in memory (bounded: one live window per stream), older ones are read from storage.
   */
  private keepRecent(name: string, parts: readonly Buffer[], size: number): void {
    this.recent.set(name, parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
    for (const old of this.recent.keys()) {
      if (this.recent.size <= this.windowSize) break;
      this.recent.delete(old);
    }
  }

  /** The playlist is served from memory; the stored copy is for crash consistency and tools. */
  private async putPlaylist(): Promise<void> {
    try {
      await this.deps.provider.put('live', liveKey(this.path, PLAYLIST_NAME), [Buffer.from(this.playlist.render())]);
    } catch (err) {
      this.writeFailed(err);
    }
  }

  private async deleteLive(name: string): Promise<void> {
    try {
      await this.deps.provider.delete('live', liveKey(this.path, name));
    } catch (err) {
      this.deps.log.debug('deleting a live object failed', { path: this.path, name, error: describeError(err) });
    }
  }

  private writeFailed(err: unknown): void {
    const n = ++this.writeFailures;
    const message = describeError(err);
    this.deps.onError('write', message);
    if (n <= LOG_FIRST || n % 100 === 0) this.deps.log.warn(`storing hls for ${this.path} failed`, { count: n, error: message });
  }

  private wake(ok: boolean): void {
    for (const w of [...this.waiters]) w(ok);
  }
}
