import { createHash } from 'node:crypto';
import { closeSync, constants, createWriteStream, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PayloadTooLargeError, UpdatePackageInvalidError } from '../../core/errors/xlive-error.js';
import { pendingRequestIds, readSmallFile, spoolRequestId } from '../system/root-spool-files.js';

/** A Debian package is an `ar` archive whose first member is `debian-binary`. */
const DEB_MAGIC = Buffer.from('!<arch>\ndebian-binary   ', 'latin1');
const ID_PATTERN = /^u-[0-9]{14}-[0-9a-f]{8}$/;
const MAX_REQUEST_JSON = 4096;

/** What the requester says about a request (informational; the updater checks the package itself). */
export interface UpdateRequest {
  id: string;
  requestedAt: string;
  /** `user:admin`, `token:fleet`, `console`. */
  by: string;
  source: 'api' | 'console';
  bytes: number;
  sha256: string;
}

/**
 * The spool the service (and the console) drop update requests into: `<id>.deb` then `<id>.json`
 * (written last, atomically: its appearance triggers xlive-update.path). The directory is the
 * service's (`<dataDir>/updates/incoming`), so the root updater treats everything in it as untrusted:
 * `take` opens without following links, copies into its own directory and checks the copy.
 */
export class UpdateSpool {
  constructor(readonly dir: string) {}

  /** Stream a package into the spool; refuses a body that is not a .deb or is larger than `maxBytes`. */
  async submit(body: AsyncIterable<Uint8Array>, meta: { by: string; source: 'api' | 'console' }, maxBytes: number, now: Date = new Date()): Promise<UpdateRequest> {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const id = newRequestId(now);
    const part = join(this.dir, `${id}.deb.part`);
    const hash = createHash('sha256');
    let bytes = 0;
    let head = Buffer.alloc(0);
    const out = createWriteStream(part, { mode: 0o640, flags: 'wx' });
    try {
      for await (const chunk of body) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) throw new PayloadTooLargeError(`the package is larger than update.maxUploadBytes (${maxBytes} bytes)`);
        if (head.length < DEB_MAGIC.length) {
          head = Buffer.concat([head, Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, DEB_MAGIC.length))]).subarray(0, DEB_MAGIC.length);
          if (!DEB_MAGIC.subarray(0, head.length).equals(head)) throw notADeb();
        }
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (head.length < DEB_MAGIC.length) throw notADeb();
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    } catch (err) {
      out.destroy();
      rmSync(part, { force: true });
      throw err;
    }
    renameSync(part, join(this.dir, `${id}.deb`));
    const request: UpdateRequest = { id, requestedAt: now.toISOString(), by: meta.by.slice(0, 128), source: meta.source, bytes, sha256: hash.digest('hex') };
    const tmp = join(this.dir, `${id}.json.part`);
    writeFileSync(tmp, JSON.stringify(request) + '\n', { mode: 0o640 });
    renameSync(tmp, join(this.dir, `${id}.json`));
    return request;
  }

  /** Request ids waiting for the updater, oldest first. */
  pending(): string[] {
    return pendingRequestIds(this.dir, ID_PATTERN);
  }


  isQueued(id: string): boolean {
    return ID_PATTERN.test(id) && existsSync(join(this.dir, `${id}.json`));
  }

  /**
   * The updater (root) takes a request: copies the package into `workDir` (0600, not following links,
   * at most `maxBytes`), reads the request file, and removes both from the spool. Throws
   * UPDATE_PACKAGE_INVALID for anything odd; the spool files are removed either way.
   */
  take(id: string, workDir: string, maxBytes: number): { request: UpdateRequest; deb: string } {
    if (!ID_PATTERN.test(id)) throw new UpdatePackageInvalidError(`request id ${JSON.stringify(id.slice(0, 40))} is malformed`);
    const src = join(this.dir, `${id}.deb`);
    const meta = join(this.dir, `${id}.json`);
    const dest = join(workDir, `${id}.deb`);
    try {
      const request = parseRequest(readSmallFile(meta, MAX_REQUEST_JSON, (m) => new UpdatePackageInvalidError(m)), id);
      copyRegularFile(src, dest, maxBytes);
      return { request, deb: dest };
    } finally {
      rmSync(src, { force: true });
      rmSync(meta, { force: true });
    }
  }
}

export function newRequestId(now: Date): string {
  return spoolRequestId('u', now);
}

export function isRequestId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function notADeb(): UpdatePackageInvalidError {
  return new UpdatePackageInvalidError('the upload is not a Debian package (.deb): send the xlive_<version>_<arch>.deb file as the request body');
}

function parseRequest(text: string, id: string): UpdateRequest {
  let r: Partial<UpdateRequest>;
  try {
    r = JSON.parse(text) as Partial<UpdateRequest>;
  } catch {
    throw new UpdatePackageInvalidError(`request ${id}: the request file is not JSON`);
  }
  if (r.id !== id) throw new UpdatePackageInvalidError(`request ${id}: the request file names another id`);
  return {
    id,
    requestedAt: typeof r.requestedAt === 'string' ? r.requestedAt.slice(0, 40) : '',
    by: typeof r.by === 'string' ? r.by.slice(0, 128) : 'unknown',
    source: r.source === 'console' ? 'console' : 'api',
    bytes: typeof r.bytes === 'number' ? r.bytes : 0,
    sha256: typeof r.sha256 === 'string' ? r.sha256.slice(0, 64) : '',
  };
}

/** Copy through an fd opened with O_NOFOLLOW (a link in the spool is refused, never followed). */
function copyRegularFile(src: string, dest: string, max: number): void {
  let fd: number;
  try {
    fd = openSync(src, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new UpdatePackageInvalidError(`${src} is a symbolic link`);
    throw err;
  }
  const out = openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UpdatePackageInvalidError(`${src} is not a regular file`);
    if (st.size > max) throw new UpdatePackageInvalidError(`${src} is larger than update.maxUploadBytes (${max})`);
    const buf = Buffer.alloc(1024 * 1024);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new UpdatePackageInvalidError(`${src} grew past update.maxUploadBytes (${max})`);
      let w = 0;
      while (w < n) w += writeSync(out, buf.subarray(w, n));
    }
  } finally {
    closeSync(fd);
    closeSync(out);
  }
}
