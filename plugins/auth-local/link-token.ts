import { createHmac } from 'node:crypto';
import { safeEqual } from './timing-safe.js';

/**
 * Signed links to one resource (a recording: `recording:<app>/<stream>/<id>`), for players and `curl`
 * without a session: `l1.<epoch>.<expiry, epoch seconds>.<base64url HMAC-SHA-256(playback key,
 * "l1\n<resource>\n<epoch>\n<expiry>")>`. Same key and revocation epoch as playback tokens (the epoch of
 * the stream the resource belongs to), so revoking a stream's playback links voids its recording links
 * too; the `l1` label keeps a link from ever verifying as a playback token and back.
 */
const L1 = /^l1\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function mac(key: Uint8Array, resource: string, epoch: number, exp: number): string {
  return createHmac('sha256', key).update(`l1\n${resource}\n${epoch}\n${exp}`).digest('base64url');
}

export function signLinkToken(key: Uint8Array, resource: string, expiresAtSeconds: number, epoch = 0): string {
  return `l1.${epoch}.${expiresAtSeconds}.${mac(key, resource, epoch, expiresAtSeconds)}`;
}

/** true when `token` was signed for exactly `resource` in the current `epoch` and has not expired at `nowSeconds`. */
export function verifyLinkToken(key: Uint8Array, token: string, resource: string, nowSeconds: number, epoch = 0): boolean {
  if (typeof token !== 'string') return false;
  const m = L1.exec(token);
  if (!m) return false;
  const tokenEpoch = Number(m[1]);
  const exp = Number(m[2]);
  return safeEqual(m[3]!, mac(key, resource, tokenEpoch, exp)) && tokenEpoch === epoch && nowSeconds < exp;
}

/** The stream a resource belongs to (`recording:live/stage/<id>` → `live/stage`), whose revocation epoch binds its links. */
export function streamOfResource(resource: string): string | undefined {
  const m = /^[a-z]+:([A-Za-z0-9_.-]{1,128}\/[A-Za-z0-9_.-]{1,128})(?:\/|$)/.exec(resource);
  return m?.[1];
}
