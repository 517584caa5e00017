import { chmodSync, closeSync, existsSync, fchmodSync, fstatSync, openSync } from 'node:fs';

/** Owner read/write only: the database files hold password hashes, session ids and stream key hashes. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Make sure `file` exists with mode 0600 before SQLite opens it, whatever the umask (outside systemd
 * it is often 022). SQLite gives the -wal, -shm and -journal files it creates later the mode of the
 * main file, so they are 0600 too. An existing file (and its -wal/-shm) is tightened to 0600.
 * Throws when the file cannot be created; returns the files whose mode could not be changed (a
 * file owned by another user), for the caller to warn about.
 */
export function ensurePrivateFile(file: string): string[] {
  const untightened: string[] = [];
  const fd = openSync(file, 'a', PRIVATE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & 0o777) !== PRIVATE_FILE_MODE) {
      try {
        fchmodSync(fd, PRIVATE_FILE_MODE);
      } catch {
        untightened.push(file);
      }
    }
  } finally {
    closeSync(fd);
  }
  for (const side of [`${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(side)) chmodSync(side, PRIVATE_FILE_MODE);
    } catch {
      untightened.push(side);
    }
  }
  return untightened;
}

/** Create `file` exclusively (it must not exist) with mode 0600, whatever the umask. */
export function createPrivateFile(file: string): void {
  const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}
