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
}
