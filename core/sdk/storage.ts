/** The seed's StorageProvider: segments and playlists in, out, listed, deleted; retention enforced here. */
export type StorageClass = 'live' | 'recording';

export interface StoredObject {
  /** Relative key, e.g. `live/stage/seg-000123.ts`. Never absolute, never contains `..`. */
  key: string;
  size: number;
  mtimeMs: number;
}

export interface StorageUsage {
  bytesUsed: number;
  objects: number;
  /** Free bytes on the underlying filesystem(s). */
  bytesFree: number;
  recordingPaused: boolean;
}

export interface ObjectReader {
  size: number;
  stream: NodeJS.ReadableStream;
}

export interface StorageProvider {
  readonly name: string;
  /** Store an object atomically (temp file + rename). `parts` are concatenated. */
  put(cls: StorageClass, key: string, parts: readonly Uint8Array[]): Promise<StoredObject>;
  /** Open an object for reading; null when missing. */
  open(cls: StorageClass, key: string): Promise<ObjectReader | null>;
  read(cls: StorageClass, key: string): Promise<Uint8Array | null>;
  list(cls: StorageClass, prefix: string): Promise<StoredObject[]>;
  delete(cls: StorageClass, key: string): Promise<void>;
  usage(): Promise<StorageUsage>;
  /** Present when the provider can keep recordings. */
  readonly recordings?: RecordingStore;
}

export interface RecordingSegment {
  /** Storage key of the segment (class `recording`). */
  key: string;
  seq: number;
  durationMs: number;
  bytes: number;
  discontinuity: boolean;
}

export interface RecordingInfo {
  id: string;
  /** `<app>/<stream>` */
  stream: string;
  startedAt: string;
  endedAt: string | null;
  segments: number;
  bytes: number;
  durationMs: number;
}

/** Recordings a storage provider may offer (the local one does). Retention and the disk watermark apply. */
export interface RecordingStore {
  /** Whether config asks to record this stream. */
  shouldRecord(stream: string): boolean;
  beginRecording(stream: string): Promise<string>;
  /** Throws StorageFullError when recording is paused for disk space. */
  addRecordingSegment(recordingId: string, segment: RecordingSegment): Promise<void>;
  endRecording(recordingId: string): Promise<void>;
  listRecordings(stream?: string): Promise<RecordingInfo[]>;
  getRecording(recordingId: string): Promise<{ info: RecordingInfo; segments: RecordingSegment[] } | null>;
  deleteRecording(recordingId: string): Promise<void>;
  /**
   * Start (true) or stop (false) recording a live stream now, until its publisher leaves (then the
   * override is dropped); null drops it at once. `shouldRecord` answers with it first; the muxer asks
   * again at every segment, so a change takes effect at the next segment. Optional.
   */
  setLiveRecording?(stream: string, on: boolean | null): void;
  /** The live override of `stream`, if any. Optional. */
  liveRecording?(stream: string): boolean | null;
  /** The stream's persisted "always record" setting: true/false, or null to follow the config. Optional. */
  alwaysRecord?(stream: string): boolean | null;
  setAlwaysRecord?(stream: string, on: boolean | null): void;
}
