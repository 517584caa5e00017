/**
 * One publisher session's recording: `beginRecording` on publish, each finished segment stored with
 * `put('recording', …)` then registered with `addRecordingSegment`, `endRecording` on unpublish. Writes
 * run in their own bounded queue, so recording never delays the live playlist. When the store is full
 * (StorageFullError) the recording stops for this session with a log line and an event; live goes on.
 */
import { StorageFullError, describeError, type Logger, type RecordingStore, type StorageProvider } from 'xlive/sdk';
import type { Segment } from './codec/segmenter.js';
import { recordingKey } from './segment-name.js';
import { WriteQueue } from './write-queue.js';

export interface RecorderDeps {
  /** `<app>/<stream>` */
  path: string;
  provider: Pick<StorageProvider, 'put'>;
  store: Pick<RecordingStore, 'beginRecording' | 'addRecordingSegment' | 'endRecording'>;
  log: Logger;
  maxPending: number;
  /** The store ran out of space: the recording stopped (record a `recording.paused` event). */
  onPaused(path: string, recordingId: string, reason: string): void;
  onSegmentRecorded?(): void;
}

export class Recorder {
  private readonly queue: WriteQueue;
  private readonly id: Promise<string | null>;
  private nextSeq = 0;
  private gap = false;
  private stopped = false;
  private ended = false;
  private finished = false;

  constructor(private readonly deps: RecorderDeps) {
    this.queue = new WriteQueue(deps.maxPending, (err) => {
      this.gap = true;
      deps.log.warn('recording write failed', { path: deps.path, error: describeError(err) });
    });
    this.id = deps.store.beginRecording(deps.path).then(
      (id) => {
        deps.log.info(`recording ${deps.path} as ${id}`);
        return id;
      },
      (err: unknown) => {
        this.stopped = true;
        deps.log.warn(`cannot record ${deps.path}: ${describeError(err)}`);
        return null;
      },
    );
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Queue a finished segment (stored under `file`) for the recording. */
  add(segment: Segment, file: string): void {
    if (this.stopped || this.ended) return;
    this.queue.push({
      droppable: true,
      run: () => this.store(segment, file),
      dropped: () => {
        this.gap = true;
      },
    });
  }

  /** The publisher left: end the recording once its queued segments are stored. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.push({
      droppable: false,
      run: async () => {
        const id = await this.id;
        if (id !== null) await this.finish(id);
      },
    });
  }

  /** Resolves when every queued write has run. */
  async idle(): Promise<void> {
    await this.id;
    await this.queue.idle();
  }

  private async store(segment: Segment, file: string): Promise<void> {
    const id = await this.id;
    if (id === null || this.stopped) return;
    const key = recordingKey(this.deps.path, id, file);
    try {
      await this.deps.provider.put('recording', key, segment.bytes);
      await this.deps.store.addRecordingSegment(id, {
        key,
        seq: this.nextSeq++,
        durationMs: segment.durationMs,
        bytes: segment.byteLength,
        discontinuity: segment.discontinuity || (this.gap && this.nextSeq > 1),
      });
      this.gap = false;
      this.deps.onSegmentRecorded?.();
    } catch (err) {
      if (!(err instanceof StorageFullError)) throw err;
      this.stopped = true;
      const reason = describeError(err);
      this.deps.log.warn(`recording of ${this.deps.path} paused: storage is full, live goes on`, { recording: id, error: reason });
      this.deps.onPaused(this.deps.path, id, reason);
      // Close what was recorded so far.
      await this.finish(id).catch((e: unknown) => this.deps.log.warn('ending a paused recording failed', { recording: id, error: describeError(e) }));
    }
  }

  private async finish(id: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.deps.store.endRecording(id);
  }
}
