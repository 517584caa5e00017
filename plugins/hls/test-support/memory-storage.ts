/**
 * An in-memory StorageProvider with a RecordingStore, for the plugin's in-process tests: records
 * every call, can delay or fail writes, and can run out of space for recordings.
 */
import { Readable } from 'node:stream';
import {
  NotFoundError,
  StorageFullError,
  ValidationError,
  type ObjectReader,
  type RecordingInfo,
  type RecordingSegment,
  type RecordingStore,
  type StorageClass,
  type StorageProvider,
  type StoredObject,
  type StorageUsage,
} from 'xlive/sdk';

const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*){2,3}$/;

export interface MemoryStorageOptions {
  /** Called before each put; throw to fail it, or return a promise to delay it. */
  beforePut?: (cls: StorageClass, key: string) => void | Promise<void>;
  /** Paths to record (default none). */
  record?: (path: string) => boolean;
}

export class MemoryStorage implements StorageProvider {
  readonly name = 'memory';
  readonly objects = new Map<string, Buffer>();
  readonly calls: string[] = [];
  readonly recordings: MemoryRecordings;

  constructor(private readonly opts: MemoryStorageOptions = {}) {
    this.recordings = new MemoryRecordings(opts.record ?? (() => false));
  }

  keys(cls: StorageClass, prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(`${cls}:${prefix}`)).map((k) => k.slice(cls.length + 1)).sort();
  }

  async put(cls: StorageClass, key: string, parts: readonly Uint8Array[]): Promise<StoredObject> {
    check(key);
    this.calls.push(`put ${cls} ${key}`);
    await this.opts.beforePut?.(cls, key);
    const bytes = Buffer.concat(parts);
    this.objects.set(`${cls}:${key}`, bytes);
    return { key, size: bytes.length, mtimeMs: Date.now() };
  }

  async open(cls: StorageClass, key: string): Promise<ObjectReader | null> {
    check(key);
    const b = this.objects.get(`${cls}:${key}`);
    return b ? { size: b.length, stream: Readable.from([b]) } : null;
  }

  async read(cls: StorageClass, key: string): Promise<Uint8Array | null> {
    check(key);
    return this.objects.get(`${cls}:${key}`) ?? null;
  }

  async list(cls: StorageClass, prefix: string): Promise<StoredObject[]> {
    return this.keys(cls, prefix).map((key) => ({ key, size: this.objects.get(`${cls}:${key}`)!.length, mtimeMs: 0 }));
  }

  async delete(cls: StorageClass, key: string): Promise<void> {
    check(key);
    this.calls.push(`delete ${cls} ${key}`);
    this.objects.delete(`${cls}:${key}`);
  }

  async usage(): Promise<StorageUsage> {
    let bytesUsed = 0;
    for (const b of this.objects.values()) bytesUsed += b.length;
    return { bytesUsed, objects: this.objects.size, bytesFree: 1e12, recordingPaused: this.recordings.full };
  }
}

function check(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new ValidationError(`unsafe key ${JSON.stringify(key)}`);
}

interface MemoryRecording {
  info: RecordingInfo;
  segments: RecordingSegment[];
}

export class MemoryRecordings implements RecordingStore {
  readonly items = new Map<string, MemoryRecording>();
  /** Set to make addRecordingSegment throw StorageFullError. */
  full = false;
  private n = 0;

  constructor(private readonly record: (path: string) => boolean) {}

  shouldRecord(stream: string): boolean {
    return this.record(stream);
  }

  async beginRecording(stream: string): Promise<string> {
    const id = `20250101T000000Z-${(++this.n).toString(16).padStart(8, '0')}`;
    this.items.set(id, { info: { id, stream, startedAt: new Date().toISOString(), endedAt: null, segments: 0, bytes: 0, durationMs: 0 }, segments: [] });
    return id;
  }

  async addRecordingSegment(recordingId: string, segment: RecordingSegment): Promise<void> {
    if (this.full) throw new StorageFullError('recording paused: disk nearly full');
    const r = this.get(recordingId);
    r.segments.push(segment);
    r.info.segments++;
    r.info.bytes += segment.bytes;
    r.info.durationMs += segment.durationMs;
  }

  async endRecording(recordingId: string): Promise<void> {
    this.get(recordingId).info.endedAt = new Date().toISOString();
  }

  async listRecordings(stream?: string): Promise<RecordingInfo[]> {
    return [...this.items.values()].filter((r) => !stream || r.info.stream === stream).map((r) => ({ ...r.info }));
  }

  async getRecording(recordingId: string): Promise<{ info: RecordingInfo; segments: RecordingSegment[] } | null> {
    const r = this.items.get(recordingId);
    return r ? { info: { ...r.info }, segments: [...r.segments] } : null;
  }

  async deleteRecording(recordingId: string): Promise<void> {
    this.get(recordingId);
    this.items.delete(recordingId);
  }

  private get(id: string): MemoryRecording {
    const r = this.items.get(id);
    if (!r) throw new NotFoundError(`no recording ${id}`);
    return r;
  }
}
