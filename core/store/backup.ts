import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, DatabaseCorruptError, DatabaseError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { quickCheck, type SqliteDatabase } from './database.js';
import { createPrivateFile } from './private-file.js';
import { toDatabaseError } from './sqlite-error.js';

export interface BackupOptions {
  /** Replace `destFile` when it exists (default: refuse with ConflictError). */
  overwrite?: boolean;
  log?: Logger;
}

/**
 * Copy the open database `db` to `destFile` with SQLite's online backup (`db.backup()`): the source
 * stays usable while it runs (pages are copied in small steps between event-loop turns; writes
 * through `db` are carried into the copy, a write from another connection restarts the copy).
 *
 * The copy is written beside `destFile` under a temporary name, switched to a single-file
 * journal (no -wal beside it), checked with `PRAGMA quick_check`, and only then moved into place,
 * so `destFile` is either a complete, checked database or untouched. The copy is mode 0600.
 * Throws ConflictError when `destFile` exists and `overwrite` is not set, DatabaseError otherwise.
 */
export async function backupDatabase(db: SqliteDatabase, destFile: string, options: BackupOptions = {}): Promise<void> {
  const dest = resolve(destFile);
  const source = db.memory ? db.name : resolve(db.name);
  if (dest === source) {
    throw new DatabaseError(`cannot back up database ${source} onto itself`, { details: { file: source } });
  }
  if (!options.overwrite && existsSync(dest)) throw exists(dest);
  try {
    mkdirSync(dirname(dest), { recursive: true });
  } catch (err) {
    throw new DatabaseError(`cannot create the directory of backup ${dest}: ${(err as Error).message}`, { cause: err });
  }
  const partial = `${dest}.partial-${randomBytes(4).toString('hex')}`;
  try {
    try {
      // Created 0600 first: SQLite writes into the existing (empty) file and keeps its mode.
      createPrivateFile(partial);
      await db.backup(partial);
    } catch (err) {
      throw toDatabaseError(err, `backing up to ${dest}`, source);
    }
    verify(partial, source, dest);
    place(partial, dest, options.overwrite === true);
  } catch (err) {
    removeDatabaseFiles(partial);
    throw err;
  }
  options.log?.info('database backed up', { file: source, to: dest });
}

function exists(dest: string): ConflictError {
  return new ConflictError(`backup file ${dest} already exists; choose another name or allow overwriting it`, {
    details: { file: dest },
  });
}

/** Make the copy self-contained and check it. */
function verify(partial: string, source: string, dest: string): void {
  let copy: SqliteDatabase | undefined;
  try {
    copy = new Database(partial, { fileMustExist: true });
    copy.pragma('journal_mode = DELETE');
    quickCheck(copy, partial);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseCorruptError(
      `the backup of ${source} did not pass its integrity check, so ${dest} was not written ` +
        `(the source may be damaged: run \`xlive backup\` again, or check the disk): ${reason}`,
      { cause: err, details: { file: source, to: dest } },
    );
  } finally {
    copy?.close();
  }
}

/** Move the checked copy to `dest`: never over an existing file unless `overwrite`. */
function place(partial: string, dest: string, overwrite: boolean): void {
  try {
    if (overwrite) {
      // A stale -wal beside the old file would be replayed into the new one on its next open.
      rmSync(`${dest}-wal`, { force: true });
      rmSync(`${dest}-shm`, { force: true });
      renameSync(partial, dest);
    } else {
      placeExclusive(partial, dest);
    }
  } catch (err) {
    if (err instanceof ConflictError) throw err;
    throw new DatabaseError(`cannot write backup ${dest}: ${(err as Error).message}`, { cause: err, details: { file: dest } });
  }
  fsyncDir(dirname(dest));
}

/** link() fails if `dest` exists, so a file created meanwhile is never replaced. */
function placeExclusive(partial: string, dest: string): void {
  try {
    linkSync(partial, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(dest);
    // Filesystems without hard links (FAT on a USB stick): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (existsSync(dest)) throw exists(dest);
    renameSync(partial, dest);
    return;
  }
  unlinkSync(partial);
}

/** Make a rename durable (best effort: not every platform can open a directory). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Durability of the directory entry is a bonus; the file itself was synced by SQLite.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removeDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}
