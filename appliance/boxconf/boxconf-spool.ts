import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors/xlive-error.js';
import { mtimeOf, pendingRequestIds, readSmallFile as readRootSpoolFile, spoolRequestId } from '../system/root-spool-files.js';
import { checkBoxChange, type BoxChange } from './box-change-rules.js';

const ID_PATTERN = /^b-[0-9]{14}-[0-9a-f]{8}$/;
const MAX_REQUEST_BYTES = 4096;

/** A queued change: the settings (with the Wi-Fi password: the file is 0600) and who asked. */
export interface BoxconfRequest {
  id: string;
  requestedAt: string;
  /** `user:admin`, `token:fleet`. */
  by: string;
  change: BoxChange;
}

/** Where the service drops change requests: `<dataDir>/boxconf/incoming`. */
export function boxconfSpoolDirOf(dataDir: string): string {
  return join(dataDir, 'boxconf', 'incoming');
}

/**
 * The spool the service drops box-settings requests into: `<id>.json`, written to `.part` and renamed
 * (its appearance triggers xlive-boxconf.path). The directory is the service's, so the root helper
 * treats it as untrusted: `take` opens without following links, reads at most 4 KiB of a regular file,
 * and checks the settings again with the same rules; the file is removed whatever happens.
 */
export class BoxconfSpool {
  constructor(readonly dir: string) {}

  submit(change: BoxChange, by: string, now: Date = new Date()): BoxconfRequest {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const request: BoxconfRequest = { id: newBoxconfId(now), requestedAt: now.toISOString(), by: by.slice(0, 128), change };
    const part = join(this.dir, `${request.id}.json.part`);
    // 0600: it holds the Wi-Fi password until the helper takes it.
    writeFileSync(part, JSON.stringify(request) + '\n', { mode: 0o600, flag: 'wx' });
    renameSync(part, join(this.dir, `${request.id}.json`));
    return request;
  }

  /** Request ids waiting for the helper, oldest first. */
  pending(): string[] {
    return pendingRequestIds(this.dir, ID_PATTERN);
  }


  /** When a request was queued (its file's time), or undefined when it is gone. */
  queuedAt(id: string): number | undefined {
    if (!ID_PATTERN.test(id)) return undefined;
    const t = mtimeOf(join(this.dir, `${id}.json`));
    return t || undefined;
  }

  /** Remove a request the helper never took (the service's own file). */
  withdraw(id: string): void {
    if (ID_PATTERN.test(id)) rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /**
   * The helper (root) takes a request: reads it without following links and checks it again
   * (`zoneinfoDir`: where time zones must exist). Throws VALIDATION_FAILED for anything odd; the
   * request file is removed either way.
   */
  take(id: string, zoneinfoDir: string): BoxconfRequest {
    if (!ID_PATTERN.test(id)) throw new ValidationError(`request id ${JSON.stringify(id.slice(0, 40))} is malformed`);
    const file = join(this.dir, `${id}.json`);
    try {
      const raw = parse(readSmallFile(file, MAX_REQUEST_BYTES), id);
      return {
        id,
        requestedAt: typeof raw['requestedAt'] === 'string' ? raw['requestedAt'].slice(0, 40) : '',
        by: typeof raw['by'] === 'string' ? raw['by'].slice(0, 128) : 'unknown',
        // Only hostname, timezone and wifi: anything else (admin, streamKeys, setupCode) is refused.
        change: checkBoxChange(raw['change'], zoneinfoDir),
      };
    } finally {
      rmSync(file, { force: true });
    }
  }
}

export function newBoxconfId(now: Date): string {
  return spoolRequestId('b', now);
}

export function isBoxconfId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function parse(text: string, id: string): Record<string, unknown> {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    throw new ValidationError(`request ${id}: the request file is not JSON`);
  }
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ValidationError(`request ${id}: the request file is not a JSON object`);
  const o = r as Record<string, unknown>;
  if (o['id'] !== id) throw new ValidationError(`request ${id}: the request file names another id`);
  return o;
}

/** A small regular file of the spool or the result, read without following links (VALIDATION_FAILED otherwise). */
export function readSmallFile(path: string, max: number): string {
  return readRootSpoolFile(path, max, (m) => new ValidationError(m));
}
