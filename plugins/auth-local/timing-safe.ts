import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compare two secrets in constant time. Both sides are hashed to 32 bytes first, so the time does
 * not depend on where they differ nor on their lengths (`crypto.timingSafeEqual` needs equal lengths).
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Compare two equal-length digests (e.g. stored and computed SHA-256) in constant time; false on a length mismatch. */
export function digestEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Hex SHA-256 of a high-entropy secret (session ids, stream keys): what is stored instead of the secret. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
