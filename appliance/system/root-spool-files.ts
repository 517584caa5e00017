/**
 * The file handling shared by the spools the sandboxed service fills and a root helper empties
 * (updates: appliance/update/update-spool.ts; box settings: appliance/boxconf/boxconf-spool.ts).
 * The spool directory is the service's, so the root side never follows a link in it and reads only
 * small regular files.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `<prefix>-<yyyymmddhhmmss>-<8 hex>`: sortable by time, unguessable. */
export function spoolRequestId(prefix: string, now: Date): string {
  const t = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${prefix}-${t}-${randomBytes(4).toString('hex')}`;
}

/** The ids of `<id>.json` requests in `dir` whose id matches `pattern`, oldest first (file time, then id). */
export function pendingRequestIds(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((id) => pattern.test(id))
    .map((id) => ({ id, at: mtimeOf(join(dir, `${id}.json`)) }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((r) => r.id);
}

/** A file's modification time in ms, or 0 when it is gone. */
export function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Read a small regular file through an fd opened with O_NOFOLLOW (a link is refused, never followed);
 * `refuse(message)` makes the caller's coded error for a link, a non-regular file or one over `max` bytes.
 */
export function readSmallFile(path: string, max: number, refuse: (message: string) => Error): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw refuse(`${path} is a symbolic link`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) throw refuse(`${path} is not a small regular file`);
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
