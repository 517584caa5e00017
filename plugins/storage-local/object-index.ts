/**
 * The in-memory index of one storage class: every object with its size and mtime, grouped by stream
 * (`<app>/<stream>`), oldest first (Map insertion order: puts arrive in time order, a rebuild inserts
 * by mtime). Retention reads it instead of listing the disk, so the hot path never walks folders.
 * In-flight puts hold reservations so concurrent writers are counted before their bytes land.
 */
import type { ObjectKind } from './storage-key.js';

export interface IndexEntry {
  key: string;
  streamPath: string;
  kind: ObjectKind;
  size: number;
  mtimeMs: number;
  recordingId: string | null;
}

/** Totals of one stream (or of the class), reservations included. */
export interface Totals {
  bytes: number;
  segments: number;
}

class StreamBucket {
  readonly segments = new Map<string, IndexEntry>();
  readonly playlists = new Map<string, IndexEntry>();
  bytes = 0;
  reservedBytes = 0;
  reservedSegments = 0;
}

export interface Reservation {
  release(): void;
}

export class ObjectIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly segments = new Map<string, IndexEntry>();
  private readonly streams = new Map<string, StreamBucket>();
  private bytes = 0;
  private reservedBytes = 0;
  private reservedSegments = 0;

  get size(): number {
    return this.entries.size;
  }

  get(key: string): IndexEntry | undefined {
    return this.entries.get(key);
  }

  /** Add or replace (a replaced object moves to the newest end). */
  add(entry: IndexEntry): void {
    this.remove(entry.key);
    let b = this.streams.get(entry.streamPath);
    if (!b) {
      b = new StreamBucket();
      this.streams.set(entry.streamPath, b);
    }
    this.entries.set(entry.key, entry);
    (entry.kind === 'segment' ? b.segments : b.playlists).set(entry.key, entry);
    if (entry.kind === 'segment') this.segments.set(entry.key, entry);
    b.bytes += entry.size;
    this.bytes += entry.size;
  }

  remove(key: string): IndexEntry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.segments.delete(key);
    const b = this.streams.get(e.streamPath)!;
    b.segments.delete(key);
    b.playlists.delete(key);
    b.bytes -= e.size;
    this.bytes -= e.size;
    this.dropIfEmpty(e.streamPath, b);
    return e;
  }

  /** Count `size` bytes (and one segment) for a put in flight until `release()`. */
  reserve(streamPath: string, kind: ObjectKind, size: number): Reservation {
    let b = this.streams.get(streamPath);
    if (!b) {
      b = new StreamBucket();
      this.streams.set(streamPath, b);
    }
    const bucket = b;
    const seg = kind === 'segment' ? 1 : 0;
    bucket.reservedBytes += size;
    bucket.reservedSegments += seg;
    this.reservedBytes += size;
    this.reservedSegments += seg;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        bucket.reservedBytes -= size;
        bucket.reservedSegments -= seg;
        this.reservedBytes -= size;
        this.reservedSegments -= seg;
        this.dropIfEmpty(streamPath, bucket);
      },
    };
  }

  /** Class totals: stored plus reserved. */
  totals(): Totals {
    return { bytes: this.bytes + this.reservedBytes, segments: this.segments.size + this.reservedSegments };
  }

  /** Stored only (what is on disk). */
  stored(): Totals & { objects: number } {
    return { bytes: this.bytes, segments: this.segments.size, objects: this.entries.size };
  }

  streamTotals(streamPath: string): Totals {
    const b = this.streams.get(streamPath);
    return b ? { bytes: b.bytes + b.reservedBytes, segments: b.segments.size + b.reservedSegments } : { bytes: 0, segments: 0 };
  }

  streamSegmentCount(streamPath: string): number {
    return this.streams.get(streamPath)?.segments.size ?? 0;
  }

  streamPaths(): string[] {
    return [...this.streams.keys()];
  }

  /** All segments, oldest first. Safe to remove entries while iterating. */
  oldestSegments(): IterableIterator<IndexEntry> {
    return this.segments.values();
  }

  oldestSegmentsOf(streamPath: string): IterableIterator<IndexEntry> {
    return (this.streams.get(streamPath)?.segments ?? new Map<string, IndexEntry>()).values();
  }

  /** Every object, oldest first. */
  all(): IterableIterator<IndexEntry> {
    return this.entries.values();
  }

  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (const e of this.entries.values()) if (e.key.startsWith(prefix)) out.push(e);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  clear(): void {
    this.entries.clear();
    this.segments.clear();
    this.streams.clear();
    this.bytes = 0;
    this.reservedBytes = 0;
    this.reservedSegments = 0;
  }

  private dropIfEmpty(streamPath: string, b: StreamBucket): void {
    if (b.segments.size === 0 && b.playlists.size === 0 && b.reservedBytes === 0 && b.reservedSegments === 0) this.streams.delete(streamPath);
  }
}
