/**
 * The seed's StorageProvider on local disk: `live` objects on the runtime folder (tmpfs on the box),
 * `recording` objects under the data folder, each class with its own retention, plus the recordings
 * index. Built in `setup`, opened (roots claimed, index rebuilt from disk) in `start()`.
 */
import { NotFoundError, StorageError, StorageFullError, ValidationError, type Logger, type ObjectReader, type PluginDatabase, type RecordingSegment, type StorageClass, type StoredObject, type StorageUsage } from 'xlive/sdk';
import { REAL_FILE_OPS, type FileOps } from './atomic-write.js';
import type { ClassStore } from './class-store.js';
import type { StorageLocalConfig } from './config.js';
import { openStores, type OpenedStores } from './open-stores.js';
import type { RECORDING_MIGRATIONS } from './recording-repository.js';
import type { Victim } from './retention.js';
import { realStatfs, type SpaceSample, type SpaceWatch } from './space-watch.js';
import { checkPrefix, parseKey, type ParsedKey } from './storage-key.js';
import type { ClassUsage, LocalRecordingStore, LocalStorageProvider, StatfsFn, StorageEvent, StorageUsageDetail } from './types.js';

export interface LocalStorageOptions {
  config: StorageLocalConfig;
  liveDir: string;
  recordingsDir: string;
  /** `ctx.store`: the recordings tables are migrated on it. */
  store: { migrate(m: typeof RECORDING_MIGRATIONS): PluginDatabase };
  log: Logger;
  statfs?: StatfsFn;
  now?: () => number;
  /** Replace the write steps (tests simulate failing disks). */
  fileOps?: Partial<FileOps>;
}

export class LocalStorage implements LocalStorageProvider {
  readonly name = 'local';
  private opened: OpenedStores | null = null;
  private readonly listeners = new Set<(e: StorageEvent) => void>();
  private timer: NodeJS.Timeout | null = null;
  private maintaining: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly fileOps: FileOps;
  private readonly log: Logger;

  /** The SDK RecordingStore (usable once started). */
  readonly recordings: LocalRecordingStore;

  constructor(private readonly o: LocalStorageOptions) {
    this.now = o.now ?? Date.now;
    this.fileOps = { ...REAL_FILE_OPS, ...o.fileOps };
    this.log = o.log;
    const catalog = () => this.state().catalog;
    this.recordings = {
      shouldRecord: (stream) => catalog().shouldRecord(stream),
      beginRecording: async (stream) => catalog().begin(stream),
      addRecordingSegment: async (id, segment) => this.addRecordingSegment(id, segment),
      endRecording: async (id) => catalog().end(id),
      listRecordings: async (stream) => catalog().list(stream),
      getRecording: async (id) => catalog().get(id),
      deleteRecording: async (id) => catalog().delete(id),
      recordingKey: (id, fileName) => catalog().key(id, fileName),
      setLiveRecording: (stream, on) => catalog().setLiveRecording(stream, on),
      liveRecording: (stream) => catalog().liveRecording(stream),
      alwaysRecord: (stream) => catalog().alwaysRecord(stream),
      setAlwaysRecord: (stream, on) => catalog().setAlwaysRecord(stream, on),
    };
  }

  /** Claim the roots, rebuild the index from disk, run retention once, start the maintenance timer. */
  async start(): Promise<void> {
    if (this.opened) return;
    this.opened = await openStores({
      config: this.o.config,
      liveDir: this.o.liveDir,
      recordingsDir: this.o.recordingsDir,
      store: this.o.store,
      statfs: this.o.statfs ?? realStatfs,
      fileOps: this.fileOps,
      now: this.now,
      log: this.log,
      onEvicted: (cls, v) => this.evicted(cls, v),
      onRecordingSpace: (t, s, space) => this.spaceChanged(t, s, space),
    });
    await this.maintain();
    this.timer = setInterval(() => void this.maintain().catch((err: unknown) => this.log.warn('maintenance failed', { error: (err as Error).message })), this.o.config.maintenanceIntervalMs);
    this.timer.unref();
  }

  /** Stop the timer, end open recordings, wait for writes of sidecars. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.maintaining;
    await this.opened?.catalog.endAll();
  }

  /**
   * Retention limits changed (count, bytes, age of both classes): stored objects are held to them
   * from the next maintenance pass, run now. Free-space watermarks and the rest are fixed at start.
   */
  async setRetention(live: StorageLocalConfig['live'], recording: StorageLocalConfig['recording']): Promise<void> {
    if (!this.opened) return;
    this.opened.live.setLimits(live);
    this.opened.rec.setLimits(recording);
    await this.maintain();
  }

  /** Age, limits and free space on both classes (the timer runs this; one at a time). */
  maintain(): Promise<void> {
    if (this.maintaining) return this.maintaining;
    this.maintaining = (async () => {
      const s = this.state();
      await s.live.maintain();
      await s.rec.maintain();
    })().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  async put(cls: StorageClass, key: string, parts: readonly Uint8Array[]): Promise<StoredObject> {
    const { store, parsed } = this.target(cls, key);
    const s = this.state();
    if (parsed.recordingId !== null && !s.catalog.exists(parsed.recordingId)) {
      throw new NotFoundError(`recording ${parsed.recordingId} of key ${key} does not exist; call beginRecording first`);
    }
    const stored = await store.put(parsed, parts);
    // The recording may have been deleted while the segment was written: do not leave a stray.
    if (parsed.recordingId !== null && !s.catalog.exists(parsed.recordingId)) {
      await store.delete(parsed);
      throw new NotFoundError(`recording ${parsed.recordingId} was deleted while ${key} was written`);
    }
    return stored;
  }

  async open(cls: StorageClass, key: string): Promise<ObjectReader | null> {
    const { store, parsed } = this.target(cls, key);
    return store.open(parsed);
  }

  async read(cls: StorageClass, key: string): Promise<Uint8Array | null> {
    const { store, parsed } = this.target(cls, key);
    return store.read(parsed);
  }

  async list(cls: StorageClass, prefix: string): Promise<StoredObject[]> {
    return this.store(cls).list(checkPrefix(prefix));
  }

  async delete(cls: StorageClass, key: string): Promise<void> {
    const { store, parsed } = this.target(cls, key);
    await store.delete(parsed);
  }

  async usage(): Promise<StorageUsage> {
    const d = await this.usageDetail();
    return { bytesUsed: d.bytesUsed, objects: d.objects, bytesFree: d.bytesFree, recordingPaused: d.recordingPaused };
  }

  async usageDetail(): Promise<StorageUsageDetail> {
    const s = this.state();
    await Promise.all([s.live.space.sample(), s.rec.space.sample()]);
    return this.snapshot();
  }

  /** Usage from the in-memory index and the last free-space samples (synchronous, for metrics). */
  snapshot(): StorageUsageDetail {
    const s = this.state();
    const live = classUsage(s.live);
    const recording = classUsage(s.rec);
    return {
      bytesUsed: live.bytesUsed + recording.bytesUsed,
      objects: live.objects + recording.objects,
      bytesFree: s.sameDevice ? recording.bytesFree : live.bytesFree + recording.bytesFree,
      recordingPaused: s.rec.space.paused,
      live,
      recording,
    };
  }

  get isStarted(): boolean {
    return this.opened !== null;
  }

  /** Sample free space now and update the recording pause state (health checks and the timer use it). */
  async refreshSpace(): Promise<StorageUsageDetail> {
    const s = this.state();
    const [, sample] = await Promise.all([s.live.space.sample(), s.rec.space.sample()]);
    const t = s.rec.space.evaluate(sample, 0);
    if (t) this.spaceChanged(t, sample, s.rec.space);
    return this.snapshot();
  }

  onEvent(listener: (event: StorageEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** While recording is paused for disk space no segment joins a recording; the stored file is dropped. */
  private async addRecordingSegment(id: string, segment: RecordingSegment): Promise<void> {
    const s = this.state();
    if (s.rec.space.paused) {
      const parsed = parseKey('recording', segment?.key);
      if (parsed.recordingId === id) await s.rec.delete(parsed);
      throw new StorageFullError(`recording is paused for disk space; segment ${parsed.key} was not added to recording ${id}`);
    }
    await s.catalog.addSegment(id, segment);
  }

  private state(): OpenedStores {
    if (!this.opened) throw new StorageError('storage-local is not started');
    return this.opened;
  }

  private store(cls: StorageClass): ClassStore {
    const s = this.state();
    if (cls === 'live') return s.live;
    if (cls === 'recording') return s.rec;
    throw new ValidationError(`storage class ${JSON.stringify(String(cls))} is not "live" or "recording"`);
  }

  private target(cls: StorageClass, key: string): { store: ClassStore; parsed: ParsedKey } {
    const store = this.store(cls);
    return { store, parsed: parseKey(cls, key) };
  }

  private evicted(cls: StorageClass, victims: readonly Victim[]): void {
    for (const v of victims) this.emit({ type: 'evicted', cls, key: v.entry.key, reason: v.reason });
  }

  private spaceChanged(t: 'paused' | 'resumed', s: SpaceSample, space: SpaceWatch): void {
    if (t === 'paused') {
      this.log.warn('recording stopped for disk space', { bytesFree: s.bytesFree, minFreeBytes: space.watermark(s), resumesAbove: space.resumeAt(s) });
      this.emit({ type: 'recording-paused', bytesFree: s.bytesFree, minFreeBytes: space.watermark(s) });
    } else {
      this.log.info('recording resumed: disk space is back', { bytesFree: s.bytesFree });
      this.emit({ type: 'recording-resumed', bytesFree: s.bytesFree });
    }
  }

  private emit(e: StorageEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn('storage event listener failed', { error: (err as Error).message });
      }
    }
  }
}

function classUsage(store: ClassStore): ClassUsage {
  const t = store.index.stored();
  const s = store.space.last;
  return {
    root: store.root.path,
    bytesUsed: t.bytes,
    objects: t.objects,
    segments: t.segments,
    bytesFree: s.bytesFree,
    bytesTotal: s.bytesTotal,
    minFreeBytes: store.space.watermark(s),
  };
}
