import { ValidationError } from '../errors/xlive-error.js';

/** One path segment: letters, digits, `_`, `-`, `.` (not leading), 1–128 characters. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
export const MAX_PATH_LENGTH = 200;

export interface ParsedStreamPath {
  app: string;
  name: string;
  path: string;
}

/** Validate `<app>/<stream>`: exactly two safe segments, no `..`, bounded length. */
export function parseStreamPath(input: string): ParsedStreamPath {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_PATH_LENGTH) {
    throw new ValidationError(`stream path must be 1-${MAX_PATH_LENGTH} characters, got ${describe(input)}`);
  }
  const parts = input.split('/');
  if (parts.length !== 2) {
    throw new ValidationError(`stream path must be "<app>/<stream>", got ${describe(input)}`);
  }
  const [app, name] = parts as [string, string];
  for (const seg of parts) {
    if (!SEGMENT.test(seg) || seg.includes('..')) {
      throw new ValidationError(`stream path segment ${describe(seg)} has unsafe characters`, {
        details: { path: input.slice(0, MAX_PATH_LENGTH) },
      });
    }
  }
  return { app, name, path: `${app}/${name}` };
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);
}
