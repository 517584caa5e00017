/**
 * Recordings: a SQLite index (recordings + their segments) mirrored into a `recording.json` sidecar
 * per recording folder. Segment objects themselves are stored by the provider's `put('recording', …)`;
 * the catalog only registers them, answers VOD queries, and drops rows when retention evicts files.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ConflictError, NotFoundError, StorageError, ValidationError, type Logger, type RecordingSegment } from 'xlive/sdk';
import { atomicWrite, type FileOps } from './atomic-write.js';
import type { IndexEntry, ObjectIndex } from './object-index.js';
import { encodeSidecar, SIDECAR_VERSION, type Sidecar } from './recording-sidecar.js';
import type { RecordingRepository, RecordingRow, SegmentRow } from './recording-repository.js';
import type { SafeRoot } from './safe-root.js';
import { isSafeSegment, parseKey, RECORDING_ID, SIDECAR_NAME } from './storage-key.js';
import type { LocalRecordingInfo, LocalRecordingSegment } from './types.js';

export interface RecordingCatalogDeps {
  repo: RecordingRepository;
  root: SafeRoot;
  /** The recording class's object index (segments must be stored before they are registered). */
  index: ObjectIndex;
  record: Readonly<Record<string, boolean>>;
  recordAll: boolean;
  fsync: boolean;
  fileOps: FileOps;
  now: () => number;
  log: Logger;
}

export class RecordingCatalog {
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | null = null;
  /** Start/stop requests for live streams (API), dropped when the publisher leaves. */
  private readonly live = new Map<string, boolean>();
  /** The persisted per-stream "always record" settings (loaded once; written through). */
  private always: Map<string, boolean> | undefined;

  constructor(private readonly d: RecordingCatalogDeps) {}

  /** A live start/stop request, then the stream's "always record" setting, then the config (`record`, `recordAll`). */
  shouldRecord(path: string): boolean {
    return this.live.get(path) ?? this.alwaysMap().get(path) ?? this.d.record[path] ?? this.d.recordAll;
  }

  setLiveRecording(path: string, on: boolean | null): void {
    if (on === null) this.live.delete(path);
    else this.live.set(checkPath(path), on);
  }

  liveRecording(path: string): boolean | null {
    return this.live.get(path) ?? null;
  }

  alwaysRecord(path: string): boolean | null {
    return this.alwaysMap().get(path) ?? null;
  }

  setAlwaysRecord(path: string, on: boolean | null): void {
    checkPath(path);
    this.d.repo.setAlwaysRecord(path, on, this.d.now());
    if (on === null) this.alwaysMap().delete(path);
    else this.alwaysMap().set(path, on);
  }

  private alwaysMap(): Map<string, boolean> {
    this.always ??= this.d.repo.alwaysRecordSettings();
    return this.always;
  }

  /** Whether `id` is a known recording still taking segments. */
  isActive(id: string): boolean {
    const row = this.d.repo.getRecording(id);
    return row !== undefined && row.ended_at === null;
  }

  exists(id: string): boolean {
    return this.d.repo.getRecording(id) !== undefined;
  }

  async begin(path: string): Promise<string> {
    checkPath(path);
    const now = this.d.now();
    const id = recordingId(now);
    this.d.repo.insertRecording(id, path, now);
    try {
      await this.writeSidecar(id);
    } catch (err) {
      this.d.repo.deleteRecording(id);
      throw err;
    }
    this.d.log.info(`recording ${path} started`, { recording: id });
    return id;
  }

  async addSegment(id: string, seg: RecordingSegment): Promise<void> {
    const row = this.row(id);
    if (row.ended_at !== null) throw new ConflictError(`recording ${id} has ended; it takes no more segments`);
    const parsed = parseKey('recording', seg?.key);
    if (parsed.recordingId !== id) throw new ValidationError(`segment key ${JSON.stringify(seg.key)} is not inside recording ${id}`);
    if (parsed.streamPath !== row.stream_path) throw new ValidationError(`segment key ${JSON.stringify(seg.key)} is not under ${row.stream_path}`);
    const entry = this.d.index.get(seg.key);
    if (!entry) throw new NotFoundError(`segment ${seg.key} is not stored; put it before registering it`);
    if (entry.kind !== 'segment') throw new ValidationError(`${seg.key} is a playlist, not a segment`);
    if (!Number.isSafeInteger(seg.seq) || seg.seq < 0) throw new ValidationError(`segment seq must be an integer >= 0, got ${String(seg.seq)}`);
    if (!Number.isFinite(seg.durationMs) || seg.durationMs < 0) throw new ValidationError(`segment durationMs must be >= 0, got ${String(seg.durationMs)}`);
    if (seg.bytes !== entry.size) throw new ValidationError(`segment ${seg.key} has ${entry.size} bytes stored, not ${String(seg.bytes)}`);
    this.d.repo.upsertSegment({
      key: seg.key,
      recording_id: id,
      seq: seg.seq,
      duration_ms: Math.round(seg.durationMs),
      bytes: entry.size,
      discontinuity: seg.discontinuity ? 1 : 0,
      created_at: Math.round(entry.mtimeMs),
    });
    await this.markDirty(id);
  }

  async end(id: string): Promise<void> {
    const row = this.row(id);
    if (row.ended_at !== null) return;
    this.d.repo.endRecording(id, this.d.now());
    this.d.log.info(`recording ${row.stream_path} ended`, { recording: id, segments: row.segment_count });
    await this.markDirty(id);
  }

  /** End every recording still open (plugin stop). */
  async endAll(): Promise<void> {
    for (const r of this.d.repo.listRecordings()) if (r.ended_at === null) await this.end(r.id);
    await this.flush();
  }

  /** Newest first. */
  list(path?: string): LocalRecordingInfo[] {
    return this.d.repo.listRecordings(path).map(toInfo);
  }

  /** The recording and its segments in `seq` order (what a VOD playlist lists); null when unknown. */
  get(id: string): { info: LocalRecordingInfo; segments: LocalRecordingSegment[] } | null {
    if (typeof id !== 'string' || !RECORDING_ID.test(id)) return null;
    const row = this.d.repo.getRecording(id);
    if (!row) return null;
    return { info: toInfo(row), segments: this.d.repo.segmentsOf(id).map(toSegment) };
  }

  async delete(id: string): Promise<void> {
    const row = this.row(id);
    this.d.repo.deleteRecording(id);
    const prefix = `${row.stream_path}/${id}/`;
    for (const e of this.d.index.list(prefix)) this.d.index.remove(e.key);
    await this.flush();
    const dir = await this.d.root.dir([...row.stream_path.split('/'), id], false);
    if (dir) await rm(dir, { recursive: true, force: true });
    this.d.log.info(`recording ${row.stream_path} deleted`, { recording: id });
  }

  /** Files of a recording were evicted or deleted: drop their rows; an ended recording left empty goes away. */
  async objectsRemoved(entries: readonly IndexEntry[]): Promise<void> {
    const keys = entries.filter((e) => e.kind === 'segment' && e.recordingId !== null).map((e) => e.key);
    if (keys.length === 0) return;
    for (const id of this.d.repo.deleteSegments(keys)) {
      const row = this.d.repo.getRecording(id);
      if (!row) continue;
      if (row.ended_at !== null && row.segment_count === 0) await this.delete(id);
      else void this.markDirty(id);
    }
  }

  /** The key of `fileName` inside recording `id`. */
  key(id: string, fileName: string): string {
    const row = this.row(id);
    const key = `${row.stream_path}/${id}/${fileName}`;
    parseKey('recording', key);
    return key;
  }

  /** Wait for sidecar writes in flight. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Queue a sidecar rewrite; resolves once the queue (including this one) is written. */
  markDirty(id: string): Promise<void> {
    this.dirty.add(id);
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.dirty.size > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) {
        try {
          await this.writeSidecar(id);
        } catch (err) {
          this.d.log.warn('cannot write recording sidecar', { recording: id, error: (err as Error).message });
        }
      }
    }
  }

  /** Write `recording.json` of `id` from the database (no-op once the recording is deleted). */
  async writeSidecar(id: string): Promise<void> {
    const row = this.d.repo.getRecording(id);
    if (!row) return;
    const dir = await this.d.root.dir([...row.stream_path.split('/'), id], true);
    if (!dir) throw new StorageError(`cannot create the folder of recording ${id}`);
    const bytes = encodeSidecar(sidecarOf(row, this.d.repo.segmentsOf(id)));
    await atomicWrite(dir, SIDECAR_NAME, [bytes], { fsync: this.d.fsync, mtimeMs: this.d.now(), ops: this.d.fileOps });
  }

  private row(id: string): RecordingRow {
    if (typeof id !== 'string' || !RECORDING_ID.test(id)) throw new ValidationError(`recording id ${JSON.stringify(String(id)).slice(0, 80)} is malformed`);
    const row = this.d.repo.getRecording(id);
    if (!row) throw new NotFoundError(`recording ${id} does not exist`);
    return row;
  }
}

export function sidecarOf(row: RecordingRow, segs: readonly SegmentRow[]): Sidecar {
  return {
    version: SIDECAR_VERSION,
    id: row.id,
    path: row.stream_path,
    startedMs: row.started_at,
    endedMs: row.ended_at,
    segments: segs.map((s) => ({ file: s.key.slice(s.key.lastIndexOf('/') + 1), seq: s.seq, durationMs: s.duration_ms, discontinuity: s.discontinuity === 1 })),
  };
}

function checkPath(path: string): string {
  const segs = typeof path === 'string' ? path.split('/') : [];
  if (segs.length !== 2 || !segs.every(isSafeSegment)) throw new ValidationError(`stream path ${JSON.stringify(path)} is not "<app>/<stream>"`);
  return path;
}

/** `20250101T120000Z-0a1b2c3d`: UTC start second plus 32 random bits. */
export function recordingId(nowMs: number): string {
  const iso = new Date(nowMs).toISOString(); // 2025-01-01T12:00:00.000Z
  const stamp = iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

function toInfo(r: RecordingRow): LocalRecordingInfo {
  return {
    id: r.id,
    stream: r.stream_path,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
    segments: r.segment_count,
    bytes: r.bytes,
    durationMs: r.duration_ms,
    prefix: `${r.stream_path}/${r.id}/`,
    startedMs: r.started_at,
    endedMs: r.ended_at,
  };
}

function toSegment(s: SegmentRow): LocalRecordingSegment {
  return { key: s.key, seq: s.seq, durationMs: s.duration_ms, bytes: s.bytes, discontinuity: s.discontinuity === 1, createdMs: s.created_at };
}
