import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Logger } from 'xlive/sdk';

/**
 * The per-box secret: 32 random bytes generated at first start into `<plugin data>/jwt-secret` with
 * mode 0600. Separate keys for each use are derived from it (HMAC-SHA-256 over a purpose label), so
 * a JWT key can never verify a playback token or a CSRF token.
 */
export const SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 32;

export type KeyPurpose = 'jwt' | 'csrf' | 'playback';

export interface BoxKeys {
  jwt: Buffer;
  csrf: Buffer;
  playback: Buffer;
}

export function loadOrCreateBoxSecret(dir: string, log: Logger): Buffer {
  const file = join(dir, SECRET_FILE);
  try {
    writeFileSync(file, randomBytes(SECRET_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    log.info(`generated the box secret (${file})`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create ${file}`, { cause: err });
  }
  const mode = statSync(file).mode & 0o777;
  if (mode !== 0o600) {
    chmodSync(file, 0o600);
    log.warn(`${file} had mode ${mode.toString(8)}; set it to 600`);
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length < SECRET_BYTES) {
    throw new ConfigError(`${file} holds ${secret.length} bytes, expected ${SECRET_BYTES} (delete it to generate a new one; API tokens then stop working)`);
  }
  return secret;
}

export function deriveKeys(secret: Uint8Array): BoxKeys {
  const derive = (purpose: KeyPurpose) => createHmac('sha256', secret).update(`xlive auth-local ${purpose} key v1`).digest();
  return { jwt: derive('jwt'), csrf: derive('csrf'), playback: derive('playback') };
}
