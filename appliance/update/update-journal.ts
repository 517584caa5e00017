import { closeSync, constants, fchownSync, fstatSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';

/**
 * What happened to one update request, step by step. Final steps end a request; `installing` and
 * `failed` are followed by another step (`failed` is always followed by a rollback step).
 */
export type UpdateStep = 'received' | 'refused' | 'installing' | 'succeeded' | 'failed' | 'rolled-back' | 'rollback-failed';

export const FINAL_STEPS: readonly UpdateStep[] = ['refused', 'succeeded', 'rolled-back', 'rollback-failed'];

export interface JournalEntry {
  /** 1, 2, 3, … over the journal's life (the service records events for entries it has not seen). */
  seq: number;
  /** The request (`u-<time>-<random>`). */
  id: string;
  at: string;
  step: UpdateStep;
  message: string;
  /** The version that was running, and the one the request installs. */
  from?: string;
  to?: string;
  /** Who asked (`user:admin` through the API, `console` on the box). */
  by?: string;
}

const MAX_READ_BYTES = 1024 * 1024;
const KEEP_ENTRIES = 1000;

/**
 * The updater's journal: one JSON line per step, appended by the root updater (xlive-update.service)
 * to a file in its own state directory (root:xlive, 0640), read by the service for its events and the
 * API's status. It lives outside the service's writable directories on purpose: the service user
 * cannot forge or redirect it (opened with O_NOFOLLOW, never through a path the service controls).
 */
export class UpdateJournal {
  constructor(
    readonly file: string,
    /** The group that may read it (the service's), when the writer runs as root. */
    private readonly readerGid?: number,
  ) {}

  /** Append a step (the updater only). */
  append(e: Omit<JournalEntry, 'seq' | 'at'>, now: Date = new Date()): JournalEntry {
    const all = this.entries();
    const entry: JournalEntry = { seq: (all.at(-1)?.seq ?? 0) + 1, at: now.toISOString(), ...clip(e) };
    if (all.length >= KEEP_ENTRIES * 2) this.rewrite(all.slice(-KEEP_ENTRIES));
    const fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    try {
      if (!fstatSync(fd).isFile()) throw new Error(`${this.file} is not a regular file`);
      if (this.readerGid !== undefined) fchownSync(fd, 0, this.readerGid);
      writeSync(fd, JSON.stringify(entry) + '\n');
    } finally {
      closeSync(fd);
    }
    return entry;
  }

  /** Every entry still in the journal (the newest megabyte), oldest first; malformed lines are skipped. */
  entries(): JournalEntry[] {
    let text: string;
    try {
      text = readTail(this.file, MAX_READ_BYTES);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (Number.isInteger(e.seq) && typeof e.id === 'string' && typeof e.step === 'string') out.push(e);
      } catch {
        // a torn last line (power cut while appending): skipped
      }
    }
    return out;
  }

  /** One request's steps, oldest first (empty when the journal has none). */
  stepsOf(id: string): JournalEntry[] {
    return this.entries().filter((e) => e.id === id);
  }

  private rewrite(keep: JournalEntry[]): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, keep.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o640, flag: 'w' });
    if (this.readerGid !== undefined) {
      const fd = openSync(tmp, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        fchownSync(fd, 0, this.readerGid);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, this.file);
  }
}

/** The request's state for the API: its last step, or `queued` while only the request file exists. */
export function isFinal(step: UpdateStep): boolean {
  return FINAL_STEPS.includes(step);
}

function clip(e: Omit<JournalEntry, 'seq' | 'at'>): Omit<JournalEntry, 'seq' | 'at'> {
  const s = (v: string | undefined, n: number) => (v === undefined ? undefined : v.slice(0, n));
  return { id: e.id.slice(0, 64), step: e.step, message: e.message.slice(0, 2000), from: s(e.from, 64), to: s(e.to, 64), by: s(e.by, 128) };
}

function readTail(file: string, max: number): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    let off = 0;
    while (off < len) {
      const n = readSync(fd, buf, off, len - off, size - len + off);
      if (n === 0) break;
      off += n;
    }
    const text = buf.subarray(0, off).toString('utf8');
    // Started mid-line: drop the partial first line.
    return size > max ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    closeSync(fd);
  }
}
