/**
 * Start-up reconciliation of the recordings index with the disk (disk is the truth): rows without
 * folders or files are deleted; folders and files without rows are indexed from their sidecar (or,
 * lacking one, with estimated durations); folders with neither row nor sidecar are orphans and removed;
 * recordings a crash left open are ended; sidecars are rewritten where they disagree.
 */
import { rm } from 'node:fs/promises';
import type { Logger } from 'xlive/sdk';
import type { RecordingCatalog } from './recording-catalog.js';
import type { RecordingRepository, SegmentRow } from './recording-repository.js';
import type { SafeRoot } from './safe-root.js';
import type { ScanResult, ScannedFile } from './store-scanner.js';

export interface ReconcileOutcome {
  /** Files to put in the recording index (orphans' files excluded). */
  files: ScannedFile[];
  rowsDeleted: number;
  rowsAdded: number;
  orphansRemoved: number;
}

export async function reconcileRecordings(scan: ScanResult, repo: RecordingRepository, catalog: RecordingCatalog, root: SafeRoot, log: Logger): Promise<ReconcileOutcome> {
  const out: ReconcileOutcome = { files: [], rowsDeleted: 0, rowsAdded: 0, orphansRemoved: 0 };
  const orphans = new Set<string>();
  const filesByRec = new Map<string, ScannedFile[]>();
  for (const f of scan.files) {
    const id = f.parsed.recordingId!;
    let list = filesByRec.get(id);
    if (!list) filesByRec.set(id, (list = []));
    list.push(f);
  }
  const touched = new Set<string>();

  repo.transaction(() => {
    for (const row of repo.listRecordings()) {
      const found = scan.recordings.get(row.id);
      if (!found || found.path !== row.stream_path) {
        repo.deleteRecording(row.id);
        out.rowsDeleted++;
      }
    }
    for (const rec of scan.recordings.values()) {
      if (repo.getRecording(rec.id)) continue;
      if (!rec.sidecar || rec.sidecar.path !== rec.path) {
        orphans.add(rec.id);
        continue;
      }
      const files = filesByRec.get(rec.id) ?? [];
      const lastMs = files.reduce((m, f) => Math.max(m, Math.round(f.mtimeMs)), rec.sidecar.startedMs);
      repo.insertRecording(rec.id, rec.path, rec.sidecar.startedMs, rec.sidecar.endedMs ?? lastMs);
      touched.add(rec.id);
      out.rowsAdded++;
    }

    const onDisk = new Map(scan.files.map((f) => [f.parsed.key, f]));
    for (const seg of repo.allSegments()) {
      const f = onDisk.get(seg.key);
      if (!f || f.parsed.kind !== 'segment' || orphans.has(seg.recording_id)) {
        repo.deleteSegments([seg.key]);
        touched.add(seg.recording_id);
        out.rowsDeleted++;
      } else if (f.size !== seg.bytes) {
        repo.upsertSegment({ ...seg, bytes: f.size });
        touched.add(seg.recording_id);
      }
    }

    for (const [id, files] of filesByRec) {
      if (orphans.has(id)) continue;
      const known = repo.segmentsOf(id);
      const byKey = new Set(known.map((s) => s.key));
      const sidecar = scan.recordings.get(id)?.sidecar ?? null;
      const fromSidecar = new Map((sidecar?.segments ?? []).map((s) => [s.file, s]));
      const estimate = averageDuration(known, sidecar?.segments ?? []);
      let nextSeq = known.reduce((m, s) => Math.max(m, s.seq + 1), 0);
      for (const f of files) {
        if (f.parsed.kind !== 'segment' || byKey.has(f.parsed.key)) continue;
        const side = fromSidecar.get(f.parsed.fileName);
        const seq = side?.seq ?? seqFromName(f.parsed.fileName) ?? nextSeq;
        nextSeq = Math.max(nextSeq, seq + 1);
        repo.upsertSegment({
          key: f.parsed.key,
          recording_id: id,
          seq,
          duration_ms: side?.durationMs ?? estimate,
          bytes: f.size,
          discontinuity: side?.discontinuity ? 1 : 0,
          created_at: Math.round(f.mtimeMs),
        });
        touched.add(id);
        out.rowsAdded++;
      }
    }

    for (const row of repo.listRecordings()) {
      if (row.ended_at === null) {
        const last = repo.segmentsOf(row.id).reduce((m, s) => Math.max(m, s.created_at), row.started_at);
        repo.endRecording(row.id, last);
        touched.add(row.id);
      }
      repo.recomputeTotals(row.id);
    }
  });

  for (const id of orphans) {
    const rec = scan.recordings.get(id)!;
    const dir = await root.dir([...rec.path.split('/'), id], false);
    if (dir) await rm(dir, { recursive: true, force: true });
    out.orphansRemoved++;
    log.warn('removed a recording folder with neither index row nor sidecar', { recording: id, path: rec.path });
  }
  out.files = scan.files.filter((f) => !orphans.has(f.parsed.recordingId!));

  // Ended recordings without segments are dropped; the rest get a sidecar matching the index.
  for (const row of repo.listRecordings()) {
    if (row.segment_count === 0) {
      out.files = out.files.filter((f) => f.parsed.recordingId !== row.id);
      repo.deleteRecording(row.id);
      const dir = await root.dir([...row.stream_path.split('/'), row.id], false);
      if (dir) await rm(dir, { recursive: true, force: true });
      continue;
    }
    const side = scan.recordings.get(row.id)?.sidecar;
    if (touched.has(row.id) || !side) await catalog.markDirty(row.id);
  }
  await catalog.flush();
  return out;
}

/** The mean duration of the recording's registered segments (its sidecar's when it has none). */
function averageDuration(known: readonly SegmentRow[], side: ReadonlyArray<{ durationMs: number }>): number {
  const all = (known.length > 0 ? known.map((s) => s.duration_ms) : side.map((s) => s.durationMs)).filter((d) => d > 0);
  return all.length === 0 ? 0 : Math.round(all.reduce((a, b) => a + b, 0) / all.length);
}

/** `seg-000123.ts` → 123 (the HLS plugin names segments by media sequence). */
function seqFromName(name: string): number | undefined {
  const m = /(\d{1,15})\.[A-Za-z0-9]+$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
