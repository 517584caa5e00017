/**
 * Atomic object writes: the parts go to `.tmp-<random>` in the target's own folder (same filesystem),
 * then `rename(2)` swaps it in, so a reader or a crash sees the old object, the new one, or nothing —
 * never half a segment. On any failure the temp file is removed; leftovers of a killed process are
 * swept by the rebuild at start.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError, StorageFullError } from 'xlive/sdk';
import { code } from './safe-root.js';

export const TEMP_PREFIX = '.tmp-';

/** The two steps tests replace to simulate a failing disk. */
export interface FileOps {
  writeParts(fh: FileHandle, parts: readonly Uint8Array[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const REAL_FILE_OPS: FileOps = { writeParts, rename };

export interface AtomicWriteOptions {
  /** fdatasync before the rename. */
  fsync: boolean;
  /** mtime to stamp on the file, so the on-disk age matches the in-memory index. */
  mtimeMs: number;
  ops: FileOps;
}

/** Write `parts` to `<dirPath>/<fileName>` atomically. Throws StorageFullError on ENOSPC/EDQUOT. */
export async function atomicWrite(dirPath: string, fileName: string, parts: readonly Uint8Array[], opts: AtomicWriteOptions): Promise<void> {
  const tmp = join(dirPath, TEMP_PREFIX + randomBytes(8).toString('hex'));
  const target = join(dirPath, fileName);
  let fh: FileHandle;
  try {
    // O_EXCL|O_NOFOLLOW: never reuse or follow something planted under the temp name.
    fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (err) {
    throw writeError(err, target);
  }
  try {
    await opts.ops.writeParts(fh, parts);
    const t = opts.mtimeMs / 1000;
    await fh.utimes(t, t);
    if (opts.fsync) await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw writeError(err, target);
  }
  try {
    await fh.close();
    await opts.ops.rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw writeError(err, target);
  }
}

/** Write every byte of `parts` (writev, then plain writes for whatever a short write left). */
export async function writeParts(fh: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  if (total === 0) return;
  let skip = (await fh.writev(parts as Uint8Array[])).bytesWritten;
  if (skip === total) return;
  for (const p of parts) {
    if (skip >= p.byteLength) {
      skip -= p.byteLength;
      continue;
    }
    let off = skip;
    skip = 0;
    while (off < p.byteLength) {
      const { bytesWritten } = await fh.write(p, off, p.byteLength - off);
      if (bytesWritten <= 0) throw new StorageError('short write: the disk accepted 0 bytes');
      off += bytesWritten;
    }
  }
}

function writeError(err: unknown, target: string): StorageError {
  if (err instanceof StorageError) return err;
  const c = code(err);
  const msg = `cannot write ${target}: ${(err as Error).message}`;
  if (c === 'ENOSPC' || c === 'EDQUOT') return new StorageFullError(msg, { cause: err, details: { errno: c } });
  return new StorageError(msg, { cause: err, details: { errno: c } });
}
