/**
 * The public surface of storage-local beyond the SDK: richer recording answers, detailed usage and
 * provider events. Other plugins use the SDK's `provider.recordings` (RecordingStore); the extras here
 * are for tests, the panel, and candidates for the SDK.
 */
import type { RecordingInfo, RecordingSegment, RecordingStore, StorageClass, StorageProvider, StorageUsage } from 'xlive/sdk';

/** A recording as listed: the SDK's RecordingInfo plus the key prefix and epoch-ms times. */
export interface LocalRecordingInfo extends RecordingInfo {
  /** Key prefix of its objects: `<app>/<stream>/<id>/` — put segments and playlists under it. */
  prefix: string;
  startedMs: number;
  /** null while recording. */
  endedMs: number | null;
}

export interface LocalRecordingSegment extends RecordingSegment {
  /** Epoch ms the segment was stored (its file's mtime). */
  createdMs: number;
}

/** The SDK RecordingStore as storage-local implements it (`provider.recordings`), with richer answers. */
export interface LocalRecordingStore extends RecordingStore {
  listRecordings(stream?: string): Promise<LocalRecordingInfo[]>;
  getRecording(recordingId: string): Promise<{ info: LocalRecordingInfo; segments: LocalRecordingSegment[] } | null>;
  /** The key of `fileName` inside a recording: `<app>/<stream>/<id>/<fileName>`. */
  recordingKey(recordingId: string, fileName: string): string;
  setLiveRecording(stream: string, on: boolean | null): void;
  liveRecording(stream: string): boolean | null;
  alwaysRecord(stream: string): boolean | null;
  setAlwaysRecord(stream: string, on: boolean | null): void;
}

export interface ClassUsage {
  root: string;
  bytesUsed: number;
  objects: number;
  segments: number;
  /** From the last statfs of the class root. */
  bytesFree: number;
  bytesTotal: number;
  /** Free bytes below which the class is under space pressure. */
  minFreeBytes: number;
}

export interface StorageUsageDetail extends StorageUsage {
  live: ClassUsage;
  recording: ClassUsage;
}

export type EvictionReason = 'stream-count' | 'stream-bytes' | 'count' | 'bytes' | 'age' | 'free-space';

export type StorageEvent =
  | { type: 'recording-paused'; bytesFree: number; minFreeBytes: number }
  | { type: 'recording-resumed'; bytesFree: number }
  | { type: 'evicted'; cls: StorageClass; key: string; reason: EvictionReason };

/** What storage-local registers: the SDK provider with its recordings, plus details and events. */
export interface LocalStorageProvider extends StorageProvider {
  readonly recordings: LocalRecordingStore;
  usageDetail(): Promise<StorageUsageDetail>;
  /** Listen to pauses, resumes and evictions; returns an unsubscribe function. */
  onEvent(listener: (event: StorageEvent) => void): () => void;
}

/** Free and total bytes of the filesystem holding `path` (injectable for tests). */
export type StatfsFn = (path: string) => Promise<{ bytesFree: number; bytesTotal: number }>;
