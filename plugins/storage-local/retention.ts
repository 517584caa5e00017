/**
 * Retention, "whichever bites first, oldest first". Each function picks victims from an ObjectIndex,
 * removes them from it at once (so concurrent passes never pick the same object twice, and usage
 * drops before the slower unlinks run) and returns them for the caller to delete from disk.
 * Playlists count toward bytes but are never evicted by count, bytes or space — only by age, and
 * only where the caller asks for it.
 */
import type { ClassLimits } from './config.js';
import type { IndexEntry, ObjectIndex } from './object-index.js';
import type { ObjectKind } from './storage-key.js';
import type { EvictionReason } from './types.js';

export interface Victim {
  entry: IndexEntry;
  reason: EvictionReason;
}

/** An object about to be written, counted as if it were already stored. */
export interface Incoming {
  streamPath: string;
  kind: ObjectKind;
  size: number;
}

/**
 * Enforce count and byte limits, per stream and overall. With `incoming`, room is made for it
 * (reservations already in the index count too); `streams` limits the per-stream pass (default: all).
 */
export function enforceLimits(index: ObjectIndex, limits: ClassLimits, incoming?: Incoming, streams?: readonly string[]): Victim[] {
  const out: Victim[] = [];
  const extraSeg = incoming?.kind === 'segment' ? 1 : 0;
  const extraBytes = incoming?.size ?? 0;
  for (const path of streams ?? index.streamPaths()) {
    const mine = incoming?.streamPath === path;
    const seg = mine ? extraSeg : 0;
    const bytes = mine ? extraBytes : 0;
    if (limits.maxSegmentsPerStream > 0) {
      evictWhile(index, index.oldestSegmentsOf(path), () => index.streamTotals(path).segments + seg > limits.maxSegmentsPerStream, 'stream-count', out);
    }
    if (limits.maxBytesPerStream > 0) {
      evictWhile(index, index.oldestSegmentsOf(path), () => index.streamTotals(path).bytes + bytes > limits.maxBytesPerStream, 'stream-bytes', out);
    }
  }
  if (limits.maxSegments > 0) {
    evictWhile(index, index.oldestSegments(), () => index.totals().segments + extraSeg > limits.maxSegments, 'count', out);
  }
  if (limits.maxBytes > 0) {
    evictWhile(index, index.oldestSegments(), () => index.totals().bytes + extraBytes > limits.maxBytes, 'bytes', out);
  }
  return out;
}

/** Evict objects older than `maxAgeMs` (segments; playlists too when `playlists`). Scans everything. */
export function enforceAge(index: ObjectIndex, maxAgeMs: number, nowMs: number, playlists: boolean): Victim[] {
  const out: Victim[] = [];
  if (maxAgeMs <= 0) return out;
  const cutoff = nowMs - maxAgeMs;
  for (const e of index.all()) {
    if (e.mtimeMs >= cutoff || (e.kind === 'playlist' && !playlists)) continue;
    index.remove(e.key);
    out.push({ entry: e, reason: 'age' });
  }
  return out;
}

/**
 * Free at least `needBytes` by evicting the oldest segments, never taking a stream below
 * `floorPerStream` segments; `eligible` can exclude objects (e.g. of a recording in progress).
 */
export function enforceFreeSpace(index: ObjectIndex, needBytes: number, floorPerStream: number, eligible: (e: IndexEntry) => boolean = () => true): Victim[] {
  const out: Victim[] = [];
  let freed = 0;
  for (const e of index.oldestSegments()) {
    if (freed >= needBytes) break;
    if (!eligible(e) || index.streamSegmentCount(e.streamPath) <= floorPerStream) continue;
    index.remove(e.key);
    freed += e.size;
    out.push({ entry: e, reason: 'free-space' });
  }
  return out;
}

function evictWhile(index: ObjectIndex, oldest: IterableIterator<IndexEntry>, over: () => boolean, reason: EvictionReason, out: Victim[]): void {
  while (over()) {
    const next = oldest.next();
    if (next.done) return;
    index.remove(next.value.key);
    out.push({ entry: next.value, reason });
  }
}
