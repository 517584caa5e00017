/**
 * `recording.json`, the sidecar next to a recording's segments: enough to rebuild the SQLite index
 * from the disk alone (stream path, start/end, per-segment seq, duration and discontinuity — things a
 * segment file cannot tell without parsing media). Written atomically; sizes come from the files.
 */
import { ValidationError } from 'xlive/sdk';
import { isSafeSegment } from './storage-key.js';

export const SIDECAR_VERSION = 1;
/** Refuse to parse sidecars larger than this (a sane recording holds far fewer segments). */
export const SIDECAR_MAX_BYTES = 16 * 1024 * 1024;

export interface SidecarSegment {
  /** File name inside the recording folder. */
  file: string;
  seq: number;
  durationMs: number;
  discontinuity: boolean;
}

export interface Sidecar {
  version: typeof SIDECAR_VERSION;
  id: string;
  path: string;
  startedMs: number;
  endedMs: number | null;
  segments: SidecarSegment[];
}

export function encodeSidecar(s: Sidecar): Uint8Array {
  const segments = s.segments.map((x) => [x.file, x.seq, x.durationMs, x.discontinuity ? 1 : 0]);
  return Buffer.from(JSON.stringify({ version: s.version, id: s.id, path: s.path, startedMs: s.startedMs, endedMs: s.endedMs, segments }) + '\n');
}

/** Parse and check a sidecar of recording `id`; throws ValidationError when it is not one. */
export function parseSidecar(bytes: Uint8Array, id: string): Sidecar {
  if (bytes.byteLength > SIDECAR_MAX_BYTES) throw bad(id, `is larger than ${SIDECAR_MAX_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw bad(id, `is not JSON (${(err as Error).message})`);
  }
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o['version'] !== SIDECAR_VERSION) throw bad(id, `has no version ${SIDECAR_VERSION}`);
  if (o['id'] !== id) throw bad(id, `names another recording (${JSON.stringify(o['id'])})`);
  const path = o['path'];
  if (typeof path !== 'string' || path.split('/').length !== 2 || !path.split('/').every(isSafeSegment)) throw bad(id, 'has no valid stream path');
  const startedMs = o['startedMs'];
  const endedMs = o['endedMs'];
  if (!isMs(startedMs)) throw bad(id, 'has no valid startedMs');
  if (endedMs !== null && !isMs(endedMs)) throw bad(id, 'has an invalid endedMs');
  if (!Array.isArray(o['segments'])) throw bad(id, 'has no segments array');
  const segments: SidecarSegment[] = [];
  for (const raw of o['segments'] as unknown[]) {
    if (!Array.isArray(raw) || raw.length !== 4) throw bad(id, 'has a malformed segment entry');
    const [file, seq, durationMs, disc] = raw as unknown[];
    if (typeof file !== 'string' || !isSafeSegment(file) || !isMs(seq) || !isMs(durationMs) || (disc !== 0 && disc !== 1)) {
      throw bad(id, 'has a malformed segment entry');
    }
    segments.push({ file, seq: seq as number, durationMs: durationMs as number, discontinuity: disc === 1 });
  }
  return { version: SIDECAR_VERSION, id, path, startedMs: startedMs as number, endedMs: endedMs as number | null, segments };
}

function isMs(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function bad(id: string, why: string): ValidationError {
  return new ValidationError(`sidecar of recording ${id} ${why}`);
}
