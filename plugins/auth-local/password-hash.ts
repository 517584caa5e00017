import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { ValidationError } from 'xlive/sdk';
import { digestEqual } from './timing-safe.js';

/**
 * Password hashing with scrypt (node:crypto), a per-user random salt, and the parameters stored with
 * the hash so they can be raised later without breaking old hashes. Stored as a PHC-style string:
 * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64>$<hash base64>`.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8: 32 MiB and ~100 ms on a Raspberry Pi 4 (OWASP's scrypt minimum is N = 2^17 with r = 8, p = 1 at more memory; 2^15 fits small boxes). */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ ln: 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Largest accepted password, in UTF-8 bytes: bounds the hashing work an attacker can ask for. */
export const MAX_PASSWORD_BYTES = 1024;
/** Bounds on stored parameters, so a tampered row cannot make verification take minutes or gigabytes. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * 2 + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function checkPasswordSize(password: string): void {
  if (typeof password !== 'string' || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new ValidationError(`a password must be a string of at most ${MAX_PASSWORD_BYTES} bytes`);
  }
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  checkPasswordSize(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** Parse a stored hash; undefined when it is not one this module wrote (or its parameters are out of bounds). */
export function parsePasswordHash(stored: string): ParsedHash | undefined {
  const m = PHC.exec(stored);
  if (!m) return undefined;
  const params: ScryptParams = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  for (const k of ['ln', 'r', 'p'] as const) {
    const [lo, hi] = LIMITS[k];
    if (params[k] < lo || params[k] > hi) return undefined;
  }
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { params, salt, key };
}

/** true when `password` matches `stored`; false for a wrong password or an unreadable hash (never throws for those). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return digestEqual(key, parsed.key);
}
