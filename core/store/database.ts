import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseCorruptError, DatabaseError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { ensurePrivateFile } from './private-file.js';
import { corruptionAdvice, isCorruption, toDatabaseError } from './sqlite-error.js';

/** A better-sqlite3 connection, as the store modules use it. */
export type SqliteDatabase = Database.Database;

/** Problems `PRAGMA quick_check(N)` reports at most; the first few are enough for an operator. */
const QUICK_CHECK_MAX_ERRORS = 10;
/** How long a statement waits for a lock another connection holds (ms). */
const BUSY_TIMEOUT_MS = 5000;

function isMemory(file: string): boolean {
  return file === ':memory:' || file === '' || file.startsWith('file::memory:');
}

/**
 * Open (or create) the SQLite database at `file`: creates the parent directory and the file with
 * mode 0600 (its -wal/-shm follow; umask independent), checks the file
 * with `PRAGMA quick_check`, then sets WAL journaling, a 5 s busy timeout, foreign keys and
 * `synchronous=NORMAL` (safe with WAL, and kinder to SD cards than FULL).
 * `':memory:'` opens a private in-memory database (tests).
 *
 * Throws DatabaseCorruptError when the file is damaged or not a database at all (the message names
 * the file and what to do), DatabaseError when it cannot be opened for another reason.
 */
export function openDatabase(file: string, log: Logger): SqliteDatabase {
  const memory = isMemory(file);
  const name = memory ? file : resolve(file);
  if (!memory) {
    try {
      // Directories it creates are owner-only too (the data directory holds secrets).
      mkdirSync(dirname(name), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new DatabaseError(`cannot create the directory of database ${name}: ${(err as Error).message}`, {
        cause: err,
        details: { file: name },
      });
    }
    try {
      const loose = ensurePrivateFile(name);
      if (loose.length > 0) log.warn('cannot make database files owner-only (mode 0600); check their owner', { files: loose });
    } catch (err) {
      throw new DatabaseError(`cannot create database ${name} with mode 0600: ${(err as Error).message}`, {
        cause: err,
        details: { file: name },
      });
    }
  }
  let db: SqliteDatabase;
  try {
    db = new Database(name, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw toDatabaseError(err, 'opening', name);
  }
  try {
    configure(db, name, memory, log);
    return db;
  } catch (err) {
    db.close();
    throw toDatabaseError(err, 'opening', name);
  }
}

function configure(db: SqliteDatabase, name: string, memory: boolean, log: Logger): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // The first read of the file: a file that is no database at all fails here with SQLITE_NOTADB.
  quickCheck(db, name);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (!memory && mode !== 'wal') {
    log.warn('database is not in WAL mode', { file: name, journalMode: mode });
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  log.debug('database open', { file: name, journalMode: mode });
}

/**
 * Run `PRAGMA quick_check` and throw DatabaseCorruptError naming `file` unless it answers `ok`.
 * Also used on backups before they are kept.
 */
export function quickCheck(db: SqliteDatabase, file: string): void {
  let problems: string[];
  try {
    const rows = db.pragma(`quick_check(${QUICK_CHECK_MAX_ERRORS})`) as Array<{ quick_check: string }>;
    // SQLite answers one row `ok`, or problem rows that may hold several lines each.
    problems = rows
      .flatMap((r) => String(r.quick_check).split('\n'))
      .filter((p) => p !== 'ok' && p !== '' && !p.startsWith('*** in database'));
  } catch (err) {
    if (!isCorruption(err)) throw err;
    const notDb = (err as { code?: string }).code === 'SQLITE_NOTADB';
    throw new DatabaseCorruptError(
      notDb
        ? `${file} is not a SQLite database (or its header is destroyed); ${corruptionAdvice(file)}`
        : `database ${file} is corrupt (${(err as Error).message}); ${corruptionAdvice(file)}`,
      { cause: err, details: { file } },
    );
  }
  if (problems.length === 0) return;
  throw new DatabaseCorruptError(
    `database ${file} failed its integrity check (${problems.slice(0, 3).join('; ')}); ${corruptionAdvice(file)}`,
    { details: { file, problems } },
  );
}

/**
 * Close a connection opened by openDatabase: lets SQLite refresh its query statistics
 * (`PRAGMA optimize`) and folds the WAL back into the main file, so a clean stop leaves one file.
 * Never throws; problems are logged.
 */
export function closeDatabase(db: SqliteDatabase, log: Logger): void {
  if (!db.open) return;
  try {
    db.pragma('optimize');
    if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    log.warn('database tidy-up before close failed', { file: db.name, error: (err as Error).message });
  }
  try {
    db.close();
  } catch (err) {
    log.warn('database close failed', { file: db.name, error: (err as Error).message });
  }
}
