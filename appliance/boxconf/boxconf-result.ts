import { closeSync, constants, fchownSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readSmallFile } from './boxconf-spool.js';

export type BoxconfState = 'applying' | 'applied' | 'partial' | 'failed' | 'refused';
export const BOXCONF_FINAL: readonly BoxconfState[] = ['applied', 'partial', 'failed', 'refused'];

/** How one setting of a request went. Never holds the Wi-Fi password. */
export interface SettingOutcome {
  ok: boolean;
  /** What was asked: the hostname, the time zone, `"<ssid>" (<country>)` or `forget`. */
  value: string;
  message: string;
}

/** The helper's last result: what the service answers as the last change request's state. */
export interface BoxconfResult {
  id: string;
  by: string;
  requestedAt: string;
  state: BoxconfState;
  finishedAt: string | null;
  message: string;
  settings: { hostname?: SettingOutcome; timezone?: SettingOutcome; wifi?: SettingOutcome; reboot?: SettingOutcome };
}

const MAX_RESULT_BYTES = 64 * 1024;

/** `<stateDir>/last.json`. */
export function resultFileOf(stateDir: string): string {
  return join(stateDir, 'last.json');
}

/**
 * The helper's result file in its own state directory (root:xlive 0640): written by the root helper
 * atomically (tmp + rename), read by the service with O_NOFOLLOW. The service cannot write there, so
 * it cannot forge an outcome.
 */
export class BoxconfResultFile {
  constructor(
    readonly file: string,
    /** The group that may read it (the service's), when the writer runs as root. */
    private readonly readerGid?: number,
  ) {}

  write(r: BoxconfResult): void {
    const tmp = `${this.file}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
    try {
      if (this.readerGid !== undefined) fchownSync(fd, 0, this.readerGid);
      writeSync(fd, JSON.stringify(r) + '\n');
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /** The last result, or null when there is none (or it is unreadable: a torn write, a planted link). */
  read(): BoxconfResult | null {
    try {
      const r = JSON.parse(readSmallFile(this.file, MAX_RESULT_BYTES)) as BoxconfResult;
      return typeof r.id === 'string' && typeof r.state === 'string' ? r : null;
    } catch {
      return null;
    }
  }

  /** `size:mtime`, to skip re-reading an unchanged file. */
  stamp(): string {
    try {
      const fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const st = fstatSync(fd);
        return `${st.size}:${st.mtimeMs}`;
      } finally {
        closeSync(fd);
      }
    } catch {
      return 'missing';
    }
  }
}
