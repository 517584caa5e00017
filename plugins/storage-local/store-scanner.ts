/**
 * The start-up walk of one store root (disk is the truth): valid objects are collected for the index,
 * recording sidecars are read, and everything else — temp files of a killed writer, symlinks, files
 * and folders outside the known layout, empty folders — is removed. Symlinks are unlinked, never
 * followed. Only ever runs inside a root claimed by SafeRoot (marker file).
 */
import { lstat, readdir, readFile, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dirent } from 'node:fs';
import type { Logger, StorageClass } from 'xlive/sdk';
import { TEMP_PREFIX } from './atomic-write.js';
import { parseSidecar, SIDECAR_MAX_BYTES, type Sidecar } from './recording-sidecar.js';
import { ROOT_MARKER, code, type SafeRoot } from './safe-root.js';
import { isSafeSegment, parseKey, RECORDING_ID, SIDECAR_NAME, type ParsedKey } from './storage-key.js';

export interface ScannedFile {
  parsed: ParsedKey;
  size: number;
  mtimeMs: number;
}

export interface ScannedRecording {
  id: string;
  path: string;
  sidecar: Sidecar | null;
}

export interface ScanResult {
  /** Oldest first (by mtime, then key). */
  files: ScannedFile[];
  /** Recording folders found (recording class only). */
  recordings: Map<string, ScannedRecording>;
  /** Relative paths removed: temp files, symlinks, strays, empty folders. */
  removed: string[];
}

/** Walk `root` for class `cls`, removing what does not belong. */
export async function scanStore(root: SafeRoot, cls: StorageClass, log: Logger): Promise<ScanResult> {
  const result: ScanResult = { files: [], recordings: new Map(), removed: [] };
  await walk(root.path, [], cls, result, log);
  result.files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.parsed.key < b.parsed.key ? -1 : 1));
  return result;
}

type Verdict = 'dir' | 'file' | 'sidecar' | 'remove';

function classify(cls: StorageClass, rel: readonly string[], d: Dirent): Verdict {
  const depth = rel.length;
  const name = rel[depth - 1]!;
  if (d.isSymbolicLink() || name.startsWith(TEMP_PREFIX) || !isSafeSegment(name)) return 'remove';
  if (d.isDirectory()) {
    if (depth <= 2) return 'dir';
    if (depth === 3) return cls === 'live' || RECORDING_ID.test(name) ? 'dir' : 'remove';
    return 'remove';
  }
  if (!d.isFile()) return 'remove';
  if (cls === 'recording' && depth === 4 && name === SIDECAR_NAME) return 'sidecar';
  try {
    parseKey(cls, rel.join('/'));
    return 'file';
  } catch {
    return 'remove';
  }
}

/** Returns how many entries remain in `abs`. */
async function walk(abs: string, rel: readonly string[], cls: StorageClass, out: ScanResult, log: Logger): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (err) {
    log.warn('cannot list folder during rebuild', { folder: abs, error: (err as Error).message });
    return 1;
  }
  let kept = 0;
  for (const d of entries) {
    const childRel = [...rel, d.name];
    const child = join(abs, d.name);
    if (rel.length === 0 && d.name === ROOT_MARKER && d.isFile()) {
      kept++;
      continue;
    }
    const verdict = classify(cls, childRel, d);
    if (verdict === 'remove') {
      await remove(child, d, childRel.join('/'), out, log);
      continue;
    }
    if (verdict === 'dir') {
      const isRecording = cls === 'recording' && childRel.length === 3;
      if (isRecording) out.recordings.set(d.name, { id: d.name, path: `${childRel[0]}/${childRel[1]}`, sidecar: null });
      const left = await walk(child, childRel, cls, out, log);
      if (left === 0) {
        if (isRecording) out.recordings.delete(d.name);
        await rmdir(child).then(
          () => void out.removed.push(childRel.join('/') + '/'),
          () => kept++,
        );
      } else kept++;
      continue;
    }
    if (verdict === 'sidecar') {
      kept++;
      const rec = out.recordings.get(childRel[2]!)!;
      rec.sidecar = await readSidecar(child, rec.id, log);
      continue;
    }
    try {
      const st = await lstat(child);
      out.files.push({ parsed: parseKey(cls, childRel.join('/')), size: st.size, mtimeMs: st.mtimeMs });
      kept++;
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
  }
  return kept;
}

async function readSidecar(file: string, id: string, log: Logger): Promise<Sidecar | null> {
  try {
    const st = await lstat(file);
    if (st.size > SIDECAR_MAX_BYTES) throw new Error(`larger than ${SIDECAR_MAX_BYTES} bytes`);
    return parseSidecar(await readFile(file), id);
  } catch (err) {
    log.warn('ignoring unreadable recording sidecar', { recording: id, error: (err as Error).message });
    return null;
  }
}

async function remove(abs: string, d: Dirent, rel: string, out: ScanResult, log: Logger): Promise<void> {
  try {
    // rm never follows symlinks inside a folder it deletes; a symlink itself is just unlinked.
    if (d.isDirectory()) await rm(abs, { recursive: true, force: true });
    else await unlink(abs);
    out.removed.push(rel);
  } catch (err) {
    if (code(err) !== 'ENOENT') log.warn('cannot remove stray entry', { path: rel, error: (err as Error).message });
  }
}
