import Database from 'better-sqlite3';
import { DatabaseCorruptError, DatabaseError, XliveError } from '../errors/xlive-error.js';

/** What an operator should do about a corrupt database file. */
export function corruptionAdvice(file: string): string {
  return (
    `restore ${file} from a backup made with \`xlive backup\`, ` +
    'or move it (and any -wal/-shm file beside it) away to start with a fresh database'
  );
}

/** The SQLite result code of a thrown value (`SQLITE_BUSY`, …), or undefined when it is no SqliteError. */
export function sqliteCode(err: unknown): string | undefined {
  return err instanceof Database.SqliteError ? err.code : undefined;
}

/** True for SQLITE_CORRUPT* and SQLITE_NOTADB: the file is damaged or no SQLite database at all. */
export function isCorruption(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * Wrap anything thrown by better-sqlite3 in a coded error. `what` says what was being done
 * (`reading plugin_kv hls/last-session`); `file` is the database file, named in the message.
 * Coded xlive errors pass through unchanged.
 */
export function toDatabaseError(err: unknown, what: string, file: string): XliveError {
  if (err instanceof XliveError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  const details = { file, sqliteCode: sqliteCode(err) };
  if (isCorruption(err)) {
    return new DatabaseCorruptError(
      `database ${file} is corrupt (${reason}) while ${what}; ${corruptionAdvice(file)}`,
      { cause: err, details },
    );
  }
  return new DatabaseError(`database ${file}: ${what} failed: ${reason}`, { cause: err, details });
}

/** Run `fn`, turning SQLite failures into coded errors (see toDatabaseError). */
export function guarded<T>(db: Database.Database, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toDatabaseError(err, what, db.name);
  }
}
