/**
 * One store root on disk and the only way to reach paths under it. Folders are walked one segment at a
 * time with `lstat` (and created with a non-recursive `mkdir`), so a symlink anywhere under the root is
 * refused instead of followed; files are opened with `O_NOFOLLOW`. A root is only used when it is
 * empty or carries our marker file, so a mistyped `liveDir` can never make the rebuild clean a foreign folder.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, writeFile, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, StorageError, ValidationError } from 'xlive/sdk';
import { isSafeSegment } from './storage-key.js';

/** Marks a folder as a storage-local root. */
export const ROOT_MARKER = '.xlive-storage';

export class SafeRoot {
  private constructor(
    /** Real path (symlinks of the configured path itself resolved once). */
    readonly path: string,
  ) {}

  /** Create (if needed), resolve and claim `dir`. Throws ConfigError when it is a foreign non-empty folder. */
  static async open(dir: string, what: string): Promise<SafeRoot> {
    let real: string;
    try {
      await mkdir(dir, { recursive: true });
      real = await realpath(dir);
    } catch (err) {
      throw new StorageError(`cannot create the ${what} folder ${dir}: ${(err as Error).message}`, { cause: err, details: { dir } });
    }
    const entries = await readdir(real);
    if (!entries.includes(ROOT_MARKER)) {
      if (entries.length > 0) {
        throw new ConfigError(`refusing to use ${what} folder ${dir}: it is not empty and has no ${ROOT_MARKER} marker`, { details: { dir } });
      }
      await writeFile(join(real, ROOT_MARKER), 'xlive storage-local root; files here are managed and may be deleted\n');
    }
    return new SafeRoot(real);
  }

  /**
   * The absolute folder for `segs` (validated key segments), walking from the root without following
   * symlinks. Missing folders are created when `create`, else null is returned.
   */
  async dir(segs: readonly string[], create: boolean): Promise<string | null> {
    let p = this.path;
    for (const seg of segs) {
      if (!isSafeSegment(seg)) throw new ValidationError(`unsafe path segment ${JSON.stringify(seg)}`);
      p = join(p, seg);
      const kind = await entryKind(p);
      if (kind === 'dir') continue;
      if (kind === 'missing') {
        if (!create) return null;
        try {
          await mkdir(p);
          continue;
        } catch (err) {
          if (code(err) !== 'EEXIST' || (await entryKind(p)) !== 'dir') throw fsError(err, `create folder ${p}`);
          continue;
        }
      }
      throw new ValidationError(`storage path ${JSON.stringify(relative(this.path, p))} is a ${kind === 'symlink' ? 'symlink' : 'file'}, not a folder`, {
        details: { path: relative(this.path, p) },
      });
    }
    this.assertInside(p);
    return p;
  }

  /** Open `fileName` in a folder from `dir()` read-only without following a final symlink; null when missing. */
  async openFile(dirPath: string, fileName: string): Promise<FileHandle | null> {
    const p = join(dirPath, fileName);
    this.assertInside(p);
    let fh: FileHandle;
    try {
      fh = await open(p, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
      if (code(err) === 'ELOOP') throw new ValidationError(`storage object ${JSON.stringify(relative(this.path, p))} is a symlink`);
      throw fsError(err, `open ${p}`);
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      return null;
    }
    return fh;
  }

  /** Throw unless `p` resolves inside the root (defence in depth on top of key validation). */
  assertInside(p: string): void {
    const rel = relative(this.path, resolve(p));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ValidationError(`path ${JSON.stringify(p)} is outside the store root`);
    }
  }
}

type EntryKind = 'dir' | 'file' | 'symlink' | 'missing';

async function entryKind(p: string): Promise<EntryKind> {
  try {
    const st = await lstat(p);
    return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
  } catch (err) {
    if (code(err) === 'ENOENT') return 'missing';
    throw fsError(err, `stat ${p}`);
  }
}

export function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** A filesystem failure as a coded StorageError. */
export function fsError(err: unknown, doing: string): StorageError {
  return new StorageError(`cannot ${doing}: ${(err as Error).message}`, { cause: err, details: { errno: code(err) } });
}
