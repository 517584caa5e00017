import { ValidationError } from './errors.js';
import type { JsonSchema } from './http.js';

/**
 * The one list envelope of the API: `{ items, next }`, where `next` is an opaque cursor for the next
 * page (the query's `cursor`) or null on the last page; `limit` is 1..500, default 50. Cursors are
 * base64url JSON, so a handler keeps what it needs (an offset, the last id) without the client
 * depending on it; a cursor that does not decode is a 400 naming it.
 */
export interface ListPage<T> {
  items: T[];
  next: string | null;
}

export interface ListQuery {
  limit: number;
  /** The decoded cursor of the previous page, or undefined for the first page. */
  cursor: Record<string, unknown> | undefined;
}

export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 500;
const MAX_CURSOR_CHARS = 512;

/** Read `limit` and `cursor` from a request's query (400 VALIDATION_FAILED when malformed). */
export function listQuery(query: { limit?: string | undefined; cursor?: string | undefined }, defaultLimit = LIST_DEFAULT_LIMIT): ListQuery {
  let limit = defaultLimit;
  const raw = query.limit;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > LIST_MAX_LIMIT) {
      throw new ValidationError(`limit=${JSON.stringify(raw.slice(0, 20))} must be an integer in 1..${LIST_MAX_LIMIT}`, { details: { field: 'limit' } });
    }
    limit = n;
  }
  const cursor = query.cursor !== undefined && query.cursor !== '' ? decodeCursor(query.cursor) : undefined;
  return { limit, cursor };
}

export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  const bad = () => new ValidationError(`cursor=${JSON.stringify(cursor.slice(0, 40))} is not a cursor this list returned (pass the previous page's "next")`, { details: { field: 'cursor' } });
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad();
    return v as Record<string, unknown>;
  } catch {
    throw bad();
  }
}

/** A non-negative integer field of a decoded cursor (400 when missing or not one). */
export function cursorInt(cursor: Record<string, unknown>, field: string): number {
  const v = cursor[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValidationError(`the cursor is not one this list returned (no "${field}")`, { details: { field: 'cursor' } });
  }
  return v;
}

/** A page of an in-memory list (small lists: streams, plugins, tokens, users): the cursor holds an offset. */
export function pageOf<T>(all: readonly T[], q: ListQuery): ListPage<T> {
  const offset = q.cursor ? cursorInt(q.cursor, 'o') : 0;
  const items = all.slice(offset, offset + q.limit);
  const end = offset + items.length;
  return { items, next: end < all.length ? encodeCursor({ o: end }) : null };
}

/**
 * A page of a keyset query: `fetched` holds up to `limit + 1` rows in list order (the extra row only
 * says there is more); `next` continues after the last returned row, keyed by `keyOf`.
 */
export function keysetPage<T>(fetched: readonly T[], limit: number, keyOf: (last: T) => Record<string, string | number>): ListPage<T> {
  const items = fetched.slice(0, limit);
  const more = fetched.length > limit && items.length > 0;
  return { items, next: more ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

/** The `limit` and `cursor` query parameters, for a route's `doc.query`. */
export const LIST_QUERY_DOC: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: LIST_MAX_LIMIT, description: `page size (default ${LIST_DEFAULT_LIMIT})` },
  cursor: { type: 'string', maxLength: MAX_CURSOR_CHARS, description: 'the previous page\'s "next"' },
};

/** The schema of a list answer with items of `item` (plus any extra top-level properties). */
export function listResponseSchema(item: JsonSchema, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'next'],
    properties: { items: { type: 'array', items: item }, next: { type: ['string', 'null'], description: 'cursor of the next page, null on the last' }, ...extra },
  };
}
