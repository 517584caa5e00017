import { createHmac } from 'node:crypto';
import { safeEqual } from './timing-safe.js';

/**
 * Signed, expiring playback tokens for protected streams (`?token=` on HLS, HTTP-FLV and RTMP play):
 * `v1.<expiry, epoch seconds>.<base64url HMAC-SHA-256(playback key, "v1\n<path>\n<expiry>")>`.
 * Bound to one stream path; stateless (they expire, and rotating the box secret voids them all).
 */
const TOKEN = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function mac(key: Uint8Array, path: string, exp: number): string {
  return createHmac('sha256', key).update(`v1\n${path}\n${exp}`).digest('base64url');
}

export function signPlaybackToken(key: Uint8Array, path: string, expiresAtSeconds: number): string {
  return `v1.${expiresAtSeconds}.${mac(key, path, expiresAtSeconds)}`;
}

/** true when `token` was signed for `path` and has not expired at `nowSeconds`. */
export function verifyPlaybackToken(key: Uint8Array, token: string, path: string, nowSeconds: number): boolean {
  if (typeof token !== 'string') return false;
  const m = TOKEN.exec(token);
  if (!m) return false;
  const exp = Number(m[1]);
  const expected = mac(key, path, exp);
  return safeEqual(m[2]!, expected) && nowSeconds < exp;
}
