/**
 * One storage class (`live` or `recording`) on its root: atomic puts with retention run before the
 * write (room is made first, so usage never exceeds a limit, not even while writing), reads that never
 * follow symlinks, and the periodic pass for age and free space. Puts and deletes of the same key are
 * serialised; different keys run concurrently with reservations in the index.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PayloadTooLargeError, StorageFullError, ValidationError, type Logger, type ObjectReader, type StorageClass, type StoredObject } from 'xlive/sdk';
import { atomicWrite, type FileOps } from './atomic-write.js';
import type { ClassLimits } from './config.js';
import { ObjectIndex, type IndexEntry } from './object-index.js';
import { enforceAge, enforceFreeSpace, enforceLimits, type Victim } from './retention.js';
import { code, type SafeRoot } from './safe-root.js';
import type { SpaceSample, SpaceTransition, SpaceWatch } from './space-watch.js';
import type { ParsedKey } from './storage-key.js';

/** What the class does below its free-space watermark. */
export type LowSpaceAction =
  /** evict oldest segments down to a per-stream floor, never refuse (live) */
  | 'evict'
  /** refuse puts until space is back (recording, default) */
  | 'pause'
  /** evict oldest segments, refuse only when that is not enough */
  | 'evict-then-pause';

export interface ClassStoreOptions {
  cls: StorageClass;
  root: SafeRoot;
  limits: ClassLimits;
  space: SpaceWatch;
  lowSpace: LowSpaceAction;
  /** Free-space eviction keeps at least this many segments per stream. */
  floorPerStream: number;
  /** Whether age retention removes playlists too. */
  playlistsAge: boolean;
  maxObjectBytes: number;
  fsync: boolean;
  fileOps: FileOps;
  now: () => number;
  log: Logger;
  /** After evicted files were unlinked. */
  onEvicted(victims: readonly Victim[]): Promise<void>;
  /** After `delete()` removed an indexed object. */
  onDeleted(entry: IndexEntry): Promise<void>;
  onSpace(transition: Exclude<SpaceTransition, null>, sample: SpaceSample): void;
}

export class ClassStore {
  readonly index = new ObjectIndex();

  /** New count, byte and age limits (a config change applied live); the next pass enforces them. */
  setLimits(limits: ClassLimits): void {
    this.o.limits = limits;
  }
  private readonly keyLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: ClassStoreOptions) {}

  get root(): SafeRoot {
    return this.o.root;
  }

  get space(): SpaceWatch {
    return this.o.space;
  }

  put(parsed: ParsedKey, parts: readonly Uint8Array[]): Promise<StoredObject> {
    return this.locked(parsed.key, () => this.putNow(parsed, parts));
  }

  delete(parsed: ParsedKey): Promise<void> {
    return this.locked(parsed.key, async () => {
      // Resolving the folder first makes a symlinked path an error here, not just a logged warning.
      await this.o.root.dir(parsed.dir, false);
      const entry = this.index.remove(parsed.key);
      await this.unlinkKey(parsed.key);
      if (entry) await this.o.onDeleted(entry);
    });
  }

  async open(parsed: ParsedKey): Promise<ObjectReader | null> {
    const dir = await this.o.root.dir(parsed.dir, false);
    const fh = dir && (await this.o.root.openFile(dir, parsed.fileName));
    if (!fh) return null;
    try {
      const { size } = await fh.stat();
      return { size, stream: fh.createReadStream() };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async read(parsed: ParsedKey): Promise<Uint8Array | null> {
    const dir = await this.o.root.dir(parsed.dir, false);
    const fh = dir && (await this.o.root.openFile(dir, parsed.fileName));
    if (!fh) return null;
    try {
      const { size } = await fh.stat();
      if (size > this.o.maxObjectBytes) throw new PayloadTooLargeError(`${parsed.key} holds ${size} bytes, more than maxObjectBytes ${this.o.maxObjectBytes}`);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  list(prefix: string): StoredObject[] {
    return this.index.list(prefix).map(({ key, size, mtimeMs }) => ({ key, size, mtimeMs }));
  }

  /** Periodic pass: age, limits (all streams), free space. */
  async maintain(): Promise<void> {
    const victims = enforceAge(this.index, this.o.limits.maxAgeMs, this.o.now(), this.o.playlistsAge);
    victims.push(...enforceLimits(this.index, this.o.limits));
    await this.removeFiles(victims);
    await this.checkSpace(0);
  }

  private async putNow(parsed: ParsedKey, parts: readonly Uint8Array[]): Promise<StoredObject> {
    const size = this.sizeOf(parsed, parts);
    const previous = this.index.remove(parsed.key);
    const reservation = this.index.reserve(parsed.streamPath, parsed.kind, size);
    let written = false;
    try {
      await this.removeFiles(enforceLimits(this.index, this.o.limits, undefined, [parsed.streamPath]));
      await this.checkSpace(size);
      const dir = (await this.o.root.dir(parsed.dir, true))!;
      const mtimeMs = this.o.now();
      await atomicWrite(dir, parsed.fileName, parts, { fsync: this.o.fsync, mtimeMs, ops: this.o.fileOps });
      written = true;
      reservation.release();
      this.index.add({ key: parsed.key, streamPath: parsed.streamPath, kind: parsed.kind, size, mtimeMs, recordingId: parsed.recordingId });
      // Concurrent puts of other keys may have landed meanwhile: settle the limits again.
      await this.removeFiles(enforceLimits(this.index, this.o.limits, undefined, [parsed.streamPath]));
      return { key: parsed.key, size, mtimeMs };
    } catch (err) {
      if (!written && previous && !this.index.get(parsed.key)) this.index.add(previous);
      throw err;
    } finally {
      reservation.release();
    }
  }

  private sizeOf(parsed: ParsedKey, parts: readonly Uint8Array[]): number {
    if (!Array.isArray(parts)) throw new ValidationError(`put ${parsed.key}: parts must be an array of Uint8Array`);
    let size = 0;
    for (const p of parts) {
      if (!(p instanceof Uint8Array)) throw new ValidationError(`put ${parsed.key}: parts must be an array of Uint8Array`);
      size += p.byteLength;
    }
    if (size > this.o.maxObjectBytes) throw new PayloadTooLargeError(`put ${parsed.key}: ${size} bytes is more than maxObjectBytes ${this.o.maxObjectBytes}`);
    const l = this.o.limits;
    if ((l.maxBytes > 0 && size > l.maxBytes) || (l.maxBytesPerStream > 0 && size > l.maxBytesPerStream)) {
      throw new StorageFullError(`put ${parsed.key}: ${size} bytes can never fit the ${this.o.cls} byte limits`);
    }
    return size;
  }

  /** Make the filesystem hold `incoming` more bytes above its watermark, per the class policy. */
  private async checkSpace(incoming: number): Promise<void> {
    const space = this.o.space;
    let sample = await space.sample();
    const need = space.shortfall(sample, incoming);
    if (need > 0 && this.o.lowSpace !== 'pause') {
      const victims = enforceFreeSpace(this.index, need, this.o.lowSpace === 'evict' ? this.o.floorPerStream : 0);
      if (victims.length > 0) {
        await this.removeFiles(victims);
        sample = await space.sample();
      }
    }
    if (this.o.lowSpace === 'evict') return;
    const transition = space.evaluate(sample, incoming);
    if (transition) this.o.onSpace(transition, sample);
    if (space.paused && incoming > 0) {
      throw new StorageFullError(
        `${this.o.cls} storage is paused for disk space: ${sample.bytesFree} bytes free, needs ${space.watermark(sample) + incoming} (resumes above ${space.resumeAt(sample)})`,
        { details: { bytesFree: sample.bytesFree, minFreeBytes: space.watermark(sample) } },
      );
    }
  }

  /** Unlink evicted objects (already out of the index) and report them. */
  private async removeFiles(victims: readonly Victim[]): Promise<void> {
    if (victims.length === 0) return;
    for (const v of victims) await this.unlinkKey(v.entry.key);
    await this.o.onEvicted(victims);
  }

  private async unlinkKey(key: string): Promise<void> {
    const segs = key.split('/');
    try {
      const dir = await this.o.root.dir(segs.slice(0, -1), false);
      if (dir) await unlink(join(dir, segs[segs.length - 1]!));
    } catch (err) {
      if (code(err) !== 'ENOENT') this.o.log.warn('cannot remove object', { class: this.o.cls, key, error: (err as Error).message });
    }
  }

  private locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.keyLocks.get(key) ?? Promise.resolve();
    const run = prior.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.keyLocks.set(key, settled);
    void settled.then(() => {
      if (this.keyLocks.get(key) === settled) this.keyLocks.delete(key);
    });
    return run;
  }
}
