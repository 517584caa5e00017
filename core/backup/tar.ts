import { BackupInvalidError } from '../errors/xlive-error.js';

/**
 * A minimal POSIX ustar codec (IEEE Std 1003.1-2001, "pax" format's ustar header) for the backup
 * archive: regular files only. The writer never emits links, devices or extended headers; the reader
 * REFUSES anything but regular files, so an archive cannot plant a symlink or a hard link.
 */
export interface TarEntry {
  path: string;
  data: Buffer;
  /** Permission bits (default 0600). */
  mode?: number;
  /** Seconds since the epoch. */
  mtime?: number;
}

const BLOCK = 512;

/** Write `entries` as one tar (Buffer allocated once at its final size). Paths must fit ustar (≤ 255 bytes). */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  const out = Buffer.alloc(total);
  let at = 0;
  for (const e of entries) {
    const [prefix, name] = splitPath(e.path);
    const h = out.subarray(at, at + BLOCK);
    h.write(name, 0, 100, 'utf8'); // name[100]
    writeOctal(h, 100, 8, e.mode ?? 0o600); // mode[8]
    writeOctal(h, 108, 8, 0); // uid[8]
    writeOctal(h, 116, 8, 0); // gid[8]
    writeOctal(h, 124, 12, e.data.length); // size[12]
    writeOctal(h, 136, 12, e.mtime ?? 0); // mtime[12]
    h.fill(0x20, 148, 156); // chksum[8]: spaces while summing
    h.write('0', 156, 1, 'ascii'); // typeflag: regular file
    h.write('ustar\0', 257, 6, 'ascii'); // magic[6]
    h.write('00', 263, 2, 'ascii'); // version[2]
    h.write(prefix, 345, 155, 'utf8'); // prefix[155]
    writeChecksum(h);
    at += BLOCK;
    e.data.copy(out, at);
    at += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  // Two zero blocks end the archive (already zero).
  return out;
}

type Invalid = (message: string, details?: Record<string, unknown>) => Error;

export interface ReadTarOptions {
  maxEntries: number;
  /** Pass over directory entries (`tar czf` writes them) instead of refusing them. */
  skipDirectories?: boolean;
  /** What the archive is, in refusals (default "a backup": "a backup holds regular files only"). */
  what?: string;
  /** The error to throw (default BackupInvalidError). */
  invalid?: Invalid;
}

const backupInvalid: Invalid = (message, details) => new BackupInvalidError(message, details ? { details } : {});

/** Read a tar written by `writeTar` (or any ustar with regular files only); throws BackupInvalidError (or `invalid`). */
export function readTar(buf: Buffer, limits: ReadTarOptions): TarEntry[] {
  const invalid = limits.invalid ?? backupInvalid;
  const entries: TarEntry[] = [];
  let at = 0;
  for (;;) {
    if (at + BLOCK > buf.length) throw invalid(`the archive is truncated at byte ${at} (no end-of-archive blocks)`);
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    if (entries.length >= limits.maxEntries) throw invalid(`the archive has more than ${limits.maxEntries} entries`);
    if (readChecksum(h) !== sumHeader(h)) throw invalid(`tar header at byte ${at} has a wrong checksum (damaged or not a tar archive)`);
    if (h.toString('ascii', 257, 262) !== 'ustar') throw invalid(`tar header at byte ${at} is not ustar`);
    const name = cString(h, 0, 100);
    const prefix = cString(h, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const type = String.fromCharCode(h[156]!);
    if (type === '5' && limits.skipDirectories) {
      if (readOctal(h, 124, 12, at, invalid) !== 0) throw invalid(`archive entry ${JSON.stringify(path.slice(0, 200))} is a directory with data`);
      at += BLOCK;
      continue;
    }
    if (type !== '0' && type !== '\0') {
      const what = type === '2' ? 'a symbolic link' : type === '1' ? 'a hard link' : type === '5' ? 'a directory' : `of tar type ${JSON.stringify(type)}`;
      throw invalid(`archive entry ${JSON.stringify(path.slice(0, 200))} is ${what}; ${limits.what ?? 'a backup'} holds regular files only`, { entry: path.slice(0, 200) });
    }
    const size = readOctal(h, 124, 12, at, invalid);
    const mode = readOctal(h, 100, 8, at, invalid) & 0o777;
    at += BLOCK;
    if (at + size > buf.length) throw invalid(`archive entry ${JSON.stringify(path.slice(0, 200))} is truncated (${size} bytes declared, ${buf.length - at} left)`);
    entries.push({ path, data: buf.subarray(at, at + size), mode });
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

function splitPath(path: string): [string, string] {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return ['', path];
  // Split at a slash so that the name is ≤ 100 bytes and the prefix ≤ 155.
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new RangeError(`path ${path.slice(0, 80)}… does not fit a ustar header (name ≤ 100 bytes, prefix ≤ 155)`);
}

/** Does `path` fit a ustar header? */
export function fitsTar(path: string): boolean {
  try {
    splitPath(path);
    return true;
  } catch {
    return false;
  }
}

function writeOctal(h: Buffer, off: number, len: number, value: number): void {
  h.write(value.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

function readOctal(h: Buffer, off: number, len: number, at: number, invalid: Invalid): number {
  const text = cString(h, off, len).trim();
  if (!/^[0-7]{1,11}$/.test(text)) throw invalid(`tar header at byte ${at} has a malformed number field at offset ${off}`);
  return parseInt(text, 8);
}

function cString(h: Buffer, off: number, len: number): string {
  const field = h.subarray(off, off + len);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? len : end).toString('utf8');
}

function sumHeader(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

function writeChecksum(h: Buffer): void {
  // chksum[8]: six octal digits, NUL, space (the traditional layout).
  h.write(sumHeader(h).toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
}

function readChecksum(h: Buffer): number {
  const text = cString(h, 148, 8).trim();
  return /^[0-7]{1,7}$/.test(text) ? parseInt(text, 8) : -1;
}
