import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The "digest" (Flash Player 9+ / FMS 3+) variant of the RTMP handshake: C1/S1 carry a 32-byte
 * HMAC-SHA256 at an offset derived from four bytes of the 1536-byte signature, and S2/C2 carry
 * an HMAC keyed by the peer's digest. Not in the published RTMP 1.0 spec; the keys and layout are
 * the ones Flash-era players, encoders and servers agree on.
 */

export const HANDSHAKE_SIZE = 1536;
export const DIGEST_SIZE = 32;

/** 32 bytes appended to both "Genuine Adobe ..." strings to form the full keys. */
const KEY_TAIL = Buffer.from(
  'f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae',
  'hex',
);
/** "Genuine Adobe Flash Player 001" + tail: 62 bytes; C1 digests use the first 30. */
export const FP_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001', 'latin1'), KEY_TAIL]);
/** "Genuine Adobe Flash Media Server 001" + tail: 68 bytes; S1 digests use the first 36. */
export const FMS_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1'), KEY_TAIL]);
export const FP_KEY_C1 = FP_KEY.subarray(0, 30);
export const FMS_KEY_S1 = FMS_KEY.subarray(0, 36);

/**
 * Where the digest sits:
 * - scheme 0: offset = (sum of bytes 8..11) % 728 + 12 (digest block first; Flash Player 9, FMLE);
 * - scheme 1: offset = (sum of bytes 772..775) % 728 + 776 (key block first; Flash Player 10+).
 */
export type DigestScheme = 0 | 1;

export function digestOffset(sig: Uint8Array, scheme: DigestScheme): number {
  const base = scheme === 0 ? 8 : 772;
  return ((sig[base]! + sig[base + 1]! + sig[base + 2]! + sig[base + 3]!) % 728) + base + 4;
}

/** HMAC-SHA256 over the signature with the 32 digest bytes at `offset` left out. */
export function signatureDigest(sig: Uint8Array, offset: number, key: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(sig.subarray(0, offset))
    .update(sig.subarray(offset + DIGEST_SIZE))
    .digest();
}

/** The scheme whose embedded digest matches `key`, or null (a plain handshake). */
export function findDigestScheme(sig: Uint8Array, key: Uint8Array): DigestScheme | null {
  if (sig.length !== HANDSHAKE_SIZE) return null;
  for (const scheme of [0, 1] as const) {
    const off = digestOffset(sig, scheme);
    const want = signatureDigest(sig, off, key);
    if (timingSafeEqual(want, sig.subarray(off, off + DIGEST_SIZE))) return scheme;
  }
  return null;
}

/** Write the digest of `sig` (filled, 1536 bytes) into it at the scheme's offset; returns the digest. */
export function embedDigest(sig: Buffer, scheme: DigestScheme, key: Uint8Array): Buffer {
  const off = digestOffset(sig, scheme);
  const d = signatureDigest(sig, off, key);
  d.copy(sig, off);
  return d;
}

/** The digest bytes embedded in a signature by `scheme`. */
export function digestAt(sig: Uint8Array, scheme: DigestScheme): Uint8Array {
  const off = digestOffset(sig, scheme);
  return sig.subarray(off, off + DIGEST_SIZE);
}

/**
 * Complete S2/C2 for a peer digest: the last 32 bytes of `sig` (random otherwise) become
 * HMAC(HMAC(fullKey, peerDigest), sig[0..1504]).
 */
export function signResponse(sig: Buffer, peerDigest: Uint8Array, fullKey: Uint8Array): Buffer {
  const key = createHmac('sha256', fullKey).update(peerDigest).digest();
  const end = HANDSHAKE_SIZE - DIGEST_SIZE;
  createHmac('sha256', key).update(sig.subarray(0, end)).digest().copy(sig, end);
  return sig;
}

/** Check a response built by `signResponse`. */
export function verifyResponse(sig: Uint8Array, ownDigest: Uint8Array, fullKey: Uint8Array): boolean {
  if (sig.length !== HANDSHAKE_SIZE) return false;
  const key = createHmac('sha256', fullKey).update(ownDigest).digest();
  const end = HANDSHAKE_SIZE - DIGEST_SIZE;
  const want = createHmac('sha256', key).update(sig.subarray(0, end)).digest();
  return timingSafeEqual(want, sig.subarray(end));
}
