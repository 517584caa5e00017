import { createHmac } from 'node:crypto';
import { safeEqual } from './timing-safe.js';

/**
 * Signed, expiring, revocable playback tokens for protected streams (`?token=` on HLS, HTTP-FLV and
 * RTMP play): `v2.<epoch>.<expiry, epoch seconds>.<base64url HMAC-SHA-256(playback key,
 * "v2\n<path>\n<epoch>\n<expiry>")>`. Bound to one stream path and to the stream's revocation epoch:
 * revoking (`epoch + 1`) voids every link issued before. Tokens of the first format
 * (`v1.<expiry>.<mac>`) are still accepted while the stream's epoch is 0 (never revoked).
 */
const V1 = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const V2 = /^v2\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function macV1(key: Uint8Array, path: string, exp: number): string {
  return createHmac('sha256', key).update(`v1\n${path}\n${exp}`).digest('base64url');
}

function macV2(key: Uint8Array, path: string, epoch: number, exp: number): string {
  return createHmac('sha256', key).update(`v2\n${path}\n${epoch}\n${exp}`).digest('base64url');
}

export function signPlaybackToken(key: Uint8Array, path: string, expiresAtSeconds: number, epoch = 0): string {
  return `v2.${epoch}.${expiresAtSeconds}.${macV2(key, path, epoch, expiresAtSeconds)}`;
}

/** true when `token` was signed for `path` in its current `epoch` and has not expired at `nowSeconds`. */
export function verifyPlaybackToken(key: Uint8Array, token: string, path: string, nowSeconds: number, epoch = 0): boolean {
  if (typeof token !== 'string') return false;
  const v2 = V2.exec(token);
  if (v2) {
    const tokenEpoch = Number(v2[1]);
    const exp = Number(v2[2]);
    return safeEqual(v2[3]!, macV2(key, path, tokenEpoch, exp)) && tokenEpoch === epoch && nowSeconds < exp;
  }
  const v1 = V1.exec(token);
  if (!v1) return false;
  const exp = Number(v1[1]);
  return safeEqual(v1[2]!, macV1(key, path, exp)) && epoch === 0 && nowSeconds < exp;
}
