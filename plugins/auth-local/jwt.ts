import { createHmac } from 'node:crypto';
import { AuthenticationError } from 'xlive/sdk';
import { digestEqual } from './timing-safe.js';

/**
 * JSON Web Tokens signed with HS256 (RFC 7519 over RFC 7515 compact serialisation; HS256 is
 * HMAC-SHA-256, RFC 7518 §3.2), written on node:crypto. Only HS256 is accepted: the header's `alg`
 * must be exactly "HS256", so `none` and algorithm-confusion tokens are refused.
 */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  /** Token id, checked against the database. */
  jti?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  /** Space-separated scopes (the `scope` claim of RFC 8693 §4.2). */
  scope?: string;
  [claim: string]: unknown;
}

/** Tokens longer than this are refused before any parsing (the Authorization header is capped at 4096 too). */
export const MAX_JWT_LENGTH = 4096;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** RFC 7515 §5.1: the signature is computed over ASCII(BASE64URL(header) || '.' || BASE64URL(payload)). */
export function hs256(signingInput: string, key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(signingInput, 'ascii').digest();
}

export function signJwt(claims: JwtClaims, key: Uint8Array): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  return `${input}.${hs256(input, key).toString('base64url')}`;
}

function invalid(why: string): AuthenticationError {
  return new AuthenticationError(`invalid API token: ${why}`);
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw invalid(`${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Check structure, algorithm, signature (constant-time) and `exp`/`nbf` against `nowSeconds`, and
 * return the claims. Every failure is an AuthenticationError; the database check is the caller's.
 */
export function verifyJwt(token: string, key: Uint8Array, nowSeconds: number): JwtClaims {
  if (typeof token !== 'string' || token.length > MAX_JWT_LENGTH) throw invalid('too long');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw invalid('not three base64url parts');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h, 'header');
  if (header['alg'] !== 'HS256') throw invalid(`algorithm ${JSON.stringify(header['alg'])} is not HS256`);
  if (header['crit'] !== undefined) throw invalid('critical header parameters are not supported');
  // Canonical base64url only (43 characters for 32 bytes), so no two strings carry the same signature.
  const sig = Buffer.from(s, 'base64url');
  if (sig.toString('base64url') !== s || !digestEqual(sig, hs256(`${h}.${p}`, key))) throw invalid('bad signature');
  const claims = decodeJson(p, 'payload') as JwtClaims;
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'number') throw invalid(`claim ${name} is not a number`);
  }
  if (typeof claims.exp === 'number' && nowSeconds >= claims.exp) throw invalid('expired');
  if (typeof claims['nbf'] === 'number' && nowSeconds < (claims['nbf'] as number)) throw invalid('not valid yet');
  return claims;
}
