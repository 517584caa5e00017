/**
 * Storage keys: relative, `/`-separated, every segment from a safe alphabet (the hub's stream-path
 * alphabet: letters, digits, `_`, `-`, `.` not leading, no `..`). A key is `<app>/<stream>/<file>`
 * (live may add one sub-folder) or, for recordings, `<app>/<stream>/<recordingId>/<file>`.
 * Leading dots are never valid, so temp files (`.tmp-…`) and markers can never collide with keys.
 */
import { ValidationError, type StorageClass } from 'xlive/sdk';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
/** `20250101T120000Z-0a1b2c3d`: sortable start time (UTC) and 32 random bits. */
export const RECORDING_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;
export const MAX_KEY_LENGTH = 400;
/** The per-recording sidecar; not a valid object key. */
export const SIDECAR_NAME = 'recording.json';

export type ObjectKind = 'segment' | 'playlist';

export interface ParsedKey {
  cls: StorageClass;
  key: string;
  /** `<app>/<stream>`: the retention group. */
  streamPath: string;
  /** Folder segments below the class root (everything but the file name). */
  dir: readonly string[];
  fileName: string;
  kind: ObjectKind;
  recordingId: string | null;
}

/** Validate `key` for class `cls`; throws ValidationError naming the key. */
export function parseKey(cls: StorageClass, key: unknown): ParsedKey {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalid(key, `must be 1-${MAX_KEY_LENGTH} characters`);
  }
  const segs = key.split('/');
  for (const seg of segs) {
    if (!isSafeSegment(seg)) throw invalid(key, `has an unsafe segment ${show(seg)}`);
  }
  const fileName = segs[segs.length - 1]!;
  let recordingId: string | null = null;
  if (cls === 'recording') {
    if (segs.length !== 4) throw invalid(key, 'must be "<app>/<stream>/<recordingId>/<file>"');
    if (!RECORDING_ID.test(segs[2]!)) throw invalid(key, `has no recording id (${show(segs[2]!)})`);
    if (fileName === SIDECAR_NAME) throw invalid(key, `uses the reserved name ${SIDECAR_NAME}`);
    recordingId = segs[2]!;
  } else if (cls === 'live') {
    if (segs.length !== 3 && segs.length !== 4) throw invalid(key, 'must be "<app>/<stream>/[<folder>/]<file>"');
  } else {
    throw new ValidationError(`storage class ${show(String(cls))} is not "live" or "recording"`);
  }
  return {
    cls,
    key,
    streamPath: `${segs[0]}/${segs[1]}`,
    dir: segs.slice(0, -1),
    fileName,
    kind: fileName.endsWith('.m3u8') ? 'playlist' : 'segment',
    recordingId,
  };
}

/** One path segment a key may hold. */
export function isSafeSegment(seg: string): boolean {
  return SEGMENT.test(seg) && !seg.includes('..');
}

/** A `list()` prefix: empty, or relative text without NUL, `..` or a leading `/`. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix.length > MAX_KEY_LENGTH) throw invalidPrefix(prefix);
  if (prefix === '') return prefix;
  if (prefix.startsWith('/') || prefix.includes('\0') || prefix.includes('\\')) throw invalidPrefix(prefix);
  if (prefix.split('/').some((s) => s === '..' || s === '.')) throw invalidPrefix(prefix);
  return prefix;
}

function invalid(key: unknown, why: string): ValidationError {
  return new ValidationError(`storage key ${show(key)} ${why}`, { details: { key: typeof key === 'string' ? key.slice(0, 120) : String(key) } });
}

function invalidPrefix(prefix: unknown): ValidationError {
  return new ValidationError(`storage prefix ${show(prefix)} is not a safe relative prefix`);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}
