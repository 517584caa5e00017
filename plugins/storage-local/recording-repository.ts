/** The recordings index in SQLite (`storage_local_*` tables): the only SQL of the plugin. */
import type { Migration, PluginDatabase, PluginStatement } from 'xlive/sdk';

export const RECORDING_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'recordings and segments',
    up: `
      CREATE TABLE storage_local_recordings (
        id TEXT PRIMARY KEY,
        stream_path TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        segment_count INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX storage_local_recordings_path ON storage_local_recordings (stream_path, started_at);
      CREATE TABLE storage_local_segments (
        key TEXT PRIMARY KEY,
        recording_id TEXT NOT NULL REFERENCES storage_local_recordings (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        discontinuity INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX storage_local_segments_recording ON storage_local_segments (recording_id, seq);
    `,
  },
  {
    version: 2,
    name: 'per-stream recording settings',
    up: `
      CREATE TABLE storage_local_stream_settings (
        stream_path TEXT PRIMARY KEY,
        always_record INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

export interface RecordingRow {
  id: string;
  stream_path: string;
  started_at: number;
  ended_at: number | null;
  segment_count: number;
  bytes: number;
  duration_ms: number;
}

export interface SegmentRow {
  key: string;
  recording_id: string;
  seq: number;
  duration_ms: number;
  bytes: number;
  discontinuity: number;
  created_at: number;
}

export class RecordingRepository {
  private readonly insertRec: PluginStatement;
  private readonly endRec: PluginStatement;
  private readonly getRec: PluginStatement;
  private readonly listAll: PluginStatement;
  private readonly listPath: PluginStatement;
  private readonly deleteRec: PluginStatement;
  private readonly upsertSeg: PluginStatement;
  private readonly getSeg: PluginStatement;
  private readonly deleteSeg: PluginStatement;
  private readonly segsOf: PluginStatement;
  private readonly allSegs: PluginStatement;
  private readonly totals: PluginStatement;

  constructor(private readonly db: PluginDatabase) {
    this.insertRec = db.prepare('INSERT INTO storage_local_recordings (id, stream_path, started_at, ended_at) VALUES (?, ?, ?, ?)');
    this.endRec = db.prepare('UPDATE storage_local_recordings SET ended_at = ? WHERE id = ?');
    this.getRec = db.prepare('SELECT * FROM storage_local_recordings WHERE id = ?');
    this.listAll = db.prepare('SELECT * FROM storage_local_recordings ORDER BY started_at DESC, id DESC');
    this.listPath = db.prepare('SELECT * FROM storage_local_recordings WHERE stream_path = ? ORDER BY started_at DESC, id DESC');
    this.deleteRec = db.prepare('DELETE FROM storage_local_recordings WHERE id = ?');
    this.upsertSeg = db.prepare(
      `INSERT INTO storage_local_segments (key, recording_id, seq, duration_ms, bytes, discontinuity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, duration_ms = excluded.duration_ms, bytes = excluded.bytes,
         discontinuity = excluded.discontinuity, created_at = excluded.created_at`,
    );
    this.getSeg = db.prepare('SELECT * FROM storage_local_segments WHERE key = ?');
    this.deleteSeg = db.prepare('DELETE FROM storage_local_segments WHERE key = ?');
    this.segsOf = db.prepare('SELECT * FROM storage_local_segments WHERE recording_id = ? ORDER BY seq, key');
    this.allSegs = db.prepare('SELECT * FROM storage_local_segments');
    this.totals = db.prepare(
      `UPDATE storage_local_recordings SET
         segment_count = (SELECT COUNT(*) FROM storage_local_segments WHERE recording_id = @id),
         bytes = (SELECT COALESCE(SUM(bytes), 0) FROM storage_local_segments WHERE recording_id = @id),
         duration_ms = (SELECT COALESCE(SUM(duration_ms), 0) FROM storage_local_segments WHERE recording_id = @id)
       WHERE id = @id`,
    );
  }

  insertRecording(id: string, path: string, startedMs: number, endedMs: number | null = null): void {
    this.insertRec.run(id, path, startedMs, endedMs);
  }

  endRecording(id: string, endedMs: number): void {
    this.endRec.run(endedMs, id);
  }

  getRecording(id: string): RecordingRow | undefined {
    return this.getRec.get(id) as RecordingRow | undefined;
  }

  /** Newest first. */
  listRecordings(path?: string): RecordingRow[] {
    return (path === undefined ? this.listAll.all() : this.listPath.all(path)) as RecordingRow[];
  }

  /** Deletes the recording and (cascade) its segment rows. */
  deleteRecording(id: string): void {
    this.deleteRec.run(id);
  }

  upsertSegment(row: SegmentRow): void {
    this.db.transaction(() => {
      this.upsertSeg.run(row.key, row.recording_id, row.seq, row.duration_ms, row.bytes, row.discontinuity, row.created_at);
      this.totals.run({ id: row.recording_id });
    });
  }

  getSegment(key: string): SegmentRow | undefined {
    return this.getSeg.get(key) as SegmentRow | undefined;
  }

  /** Delete segment rows by key; returns the recordings that lost segments. */
  deleteSegments(keys: readonly string[]): Set<string> {
    const touched = new Set<string>();
    this.db.transaction(() => {
      for (const key of keys) {
        const row = this.getSegment(key);
        if (!row) continue;
        this.deleteSeg.run(key);
        touched.add(row.recording_id);
      }
      for (const id of touched) this.totals.run({ id });
    });
    return touched;
  }

  segmentsOf(id: string): SegmentRow[] {
    return this.segsOf.all(id) as SegmentRow[];
  }

  allSegments(): SegmentRow[] {
    return this.allSegs.all() as SegmentRow[];
  }

  recomputeTotals(id: string): void {
    this.totals.run({ id });
  }

  /** Persisted "always record" settings by stream path. */
  alwaysRecordSettings(): Map<string, boolean> {
    const rows = this.db.prepare('SELECT stream_path, always_record FROM storage_local_stream_settings').all() as Array<{ stream_path: string; always_record: number }>;
    return new Map(rows.map((r) => [r.stream_path, r.always_record !== 0]));
  }

  setAlwaysRecord(path: string, on: boolean | null, nowMs: number): void {
    if (on === null) this.db.prepare('DELETE FROM storage_local_stream_settings WHERE stream_path = ?').run(path);
    else {
      this.db
        .prepare('INSERT INTO storage_local_stream_settings (stream_path, always_record, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream_path) DO UPDATE SET always_record = excluded.always_record, updated_at = excluded.updated_at')
        .run(path, on ? 1 : 0, nowMs);
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }
}
