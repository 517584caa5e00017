import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DamagedFileError, type Logger } from 'xlive/sdk';

/**
 * The per-box secret: 32 random bytes generated at first start into `<plugin data>/jwt-secret` with
 * mode 0600. Separate keys for each use are derived from it (HMAC-SHA-256 over a purpose label), so
 * a JWT key can never verify a playback token or a CSRF token.
 *
 * A damaged file (empty, truncated, not base64) is never replaced: a new secret would silently void
 * every API token and playback link. setup() fails with DamagedFileError naming the path and the fix,
 * and the box fails closed until the operator restores or deletes the file.
 */
export const SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 32;
/** Standard base64 as the box writes it (44 characters for 32 bytes); longer secrets are accepted. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type KeyPurpose = 'jwt' | 'csrf' | 'playback';

export interface BoxKeys {
  jwt: Buffer;
  csrf: Buffer;
  playback: Buffer;
}

export function loadOrCreateBoxSecret(dir: string, log: Logger): Buffer {
  const file = join(dir, SECRET_FILE);
  if (createIfMissing(file)) log.info(`generated the box secret (${file})`);
  const mode = statSync(file).mode & 0o777;
  if (mode !== 0o600) {
    chmodSync(file, 0o600);
    log.warn(`${file} had mode ${mode.toString(8)}; set it to 600`);
  }
  const text = readFileSync(file, 'utf8').trim();
  const secret = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!secret || secret.length < SECRET_BYTES) {
    const what = text.length === 0 ? 'is empty' : !secret ? 'is not base64 text' : `holds ${secret.length} bytes, expected ${SECRET_BYTES}`;
    throw new DamagedFileError(
      `the box secret ${file} is damaged (${what}); it was left as it is. Fix: restore ${file} from a backup of the data directory and restart; ` +
        `or delete it to have a new one made at the next start, which VOIDS every API token and playback link (sign in again, make new tokens and links)`,
      { details: { path: file } },
    );
  }
  return secret;
}

/**
 * Write a new secret only where none exists, atomically: the bytes go to a temporary file first and
 * are linked into place (link fails if the name exists), so a power cut never leaves an empty secret.
 */
function createIfMissing(file: string): boolean {
  const tmp = `${file}.new-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, randomBytes(SECRET_BYTES).toString('base64') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ConfigError(`cannot create ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

export function deriveKeys(secret: Uint8Array): BoxKeys {
  const derive = (purpose: KeyPurpose) => createHmac('sha256', secret).update(`xlive auth-local ${purpose} key v1`).digest();
  return { jwt: derive('jwt'), csrf: derive('csrf'), playback: derive('playback') };
}
