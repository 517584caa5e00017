/**
 * The list query of `GET /api/v1/recordings`: filters (`stream`, `from`/`to`), page size and an opaque
 * keyset cursor over the list's order (newest first: `startedAt` desc, then `id` desc), so a page
 * never repeats or skips an item when recordings are added or deleted between pages.
 */
import { ValidationError, type RecordingInfo } from 'xlive/sdk';

export const STREAM_PATTERN = '^[A-Za-z0-9_.-]{1,128}/[A-Za-z0-9_.-]{1,128}$';
const STREAM = new RegExp(STREAM_PATTERN);
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface RecordingQuery {
  stream: string | undefined;
  /** Epoch ms; a recording is listed when it overlaps [from, to]. */
  from: number | undefined;
  to: number | undefined;
  limit: number;
  after: { startedMs: number; id: string } | undefined;
}

export function parseRecordingQuery(q: Record<string, string | undefined>): RecordingQuery {
  const stream = q['stream'];
  if (stream !== undefined && !STREAM.test(stream)) throw invalid('stream', stream, 'must be "<app>/<stream>"');
  const from = time(q, 'from');
  const to = time(q, 'to');
  if (from !== undefined && to !== undefined && from > to) throw invalid('from', q['from']!, `must not be after to (${q['to']})`);
  const rawLimit = q['limit'];
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined) {
    limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw invalid('limit', rawLimit, `must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const cursor = q['cursor'];
  return { stream, from, to, limit, after: cursor === undefined ? undefined : decodeCursor(cursor) };
}

/** Filter and page `items` (newest first, as the store lists them). */
export function pageOf<T extends RecordingInfo>(items: readonly T[], q: RecordingQuery, nowMs: number): { items: T[]; next: string | null } {
  const sorted = [...items].sort(compare);
  const picked: T[] = [];
  for (const r of sorted) {
    const started = Date.parse(r.startedAt);
    const ended = r.endedAt === null ? nowMs : Date.parse(r.endedAt);
    if (q.stream !== undefined && r.stream !== q.stream) continue;
    if (q.from !== undefined && ended < q.from) continue;
    if (q.to !== undefined && started > q.to) continue;
    if (q.after && !isAfter(started, r.id, q.after)) continue;
    picked.push(r);
    if (picked.length > q.limit) break;
  }
  const more = picked.length > q.limit;
  const page = picked.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page, next: more && last ? encodeCursor(Date.parse(last.startedAt), last.id) : null };
}

function compare(a: RecordingInfo, b: RecordingInfo): number {
  const d = Date.parse(b.startedAt) - Date.parse(a.startedAt);
  return d !== 0 ? d : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether (started, id) comes after the cursor in the newest-first order. */
function isAfter(started: number, id: string, after: { startedMs: number; id: string }): boolean {
  return started < after.startedMs || (started === after.startedMs && id < after.id);
}

export function encodeCursor(startedMs: number, id: string): string {
  return Buffer.from(JSON.stringify([startedMs, id])).toString('base64url');
}

function decodeCursor(cursor: string): { startedMs: number; id: string } {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('cursor', cursor, 'must be the "next" of a previous page');
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') return { startedMs: v[0] as number, id: v[1] as string };
  } catch {
    // fall through
  }
  throw invalid('cursor', cursor, 'must be the "next" of a previous page');
}

/** An ISO 8601 date-time (`2025-01-01T12:00:00Z`) or epoch milliseconds. */
function time(q: Record<string, string | undefined>, key: 'from' | 'to'): number | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw invalid(key, v, 'must be an ISO 8601 date-time (2025-01-01T12:00:00Z) or epoch milliseconds');
  return ms;
}

function invalid(key: string, value: string, why: string): ValidationError {
  return new ValidationError(`${key} ${why}, got ${JSON.stringify(value.slice(0, 80))}`, { details: { field: key, value: value.slice(0, 80) } });
}
