import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors/xlive-error.js';
import type { SqliteDatabase } from './database.js';
import { decodeJson, encodeJson } from './json-value.js';
import { guarded } from './sqlite-error.js';

/** One segment of a dotted key: `http`, `readerQueueBytes`, `storage-local`, `max_age`. */
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Segments that would reach Object.prototype when the nested object is built. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const KEY_MAX_LENGTH = 200;
/** Bound on one set() call's JSON (a whole subtree). */
const VALUE_MAX_BYTES = 64 * 1024;

/** Nested settings, as `all()` returns them. */
export type SettingsTree = Record<string, unknown>;

/**
 * Settings saved from the panel (`settings`): one row per leaf under a dotted key (`http.port`),
 * value as JSON. They read back as one nested object, a config layer.
 *
 * `set` assigns like `obj.a.b = v` on that object: it replaces whatever was at the key (a whole
 * subtree too) and a leaf set above it (`http` = 5 goes when `http.port` is set). A plain object
 * value is stored as its leaves (`set('http', {port: 80})` writes `http.port`); an empty one
 * leaves nothing. Arrays and other values are leaves.
 */
export class SettingsRepository {
  private readonly selectAll: Statement<[], { key: string; value: string }>;
  private readonly deleteOne: Statement<[string]>;
  private readonly deleteTree: Statement<[{ key: string }]>;
  private readonly insert: Statement<[string, string, string]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    [this.selectAll, this.deleteOne, this.deleteTree, this.insert] = guarded(db, 'preparing settings statements', () => [
      db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key'),
      db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
      // The key itself and every key below it: `k.` <= key < `k/` ('/' follows '.' in ASCII), BINARY collation.
      db.prepare<[{ key: string }]>(
        "DELETE FROM settings WHERE key = @key OR (key > (@key || '.') AND key < (@key || '/'))",
      ),
      db.prepare<[string, string, string]>('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)'),
    ]);
  }

  /** Every setting as one nested object (`{ http: { port: 8080 } }`). */
  all(): SettingsTree {
    const rows = guarded(this.db, 'reading settings', () => this.selectAll.all());
    const tree: SettingsTree = {};
    for (const row of rows) {
      const path = row.key.split('.');
      // Rows written outside this class with unusable keys are not part of the tree.
      if (!path.every(isSegment)) continue;
      place(tree, path, decodeJson(row.value, `setting ${row.key}`, this.db.name));
    }
    return tree;
  }

  /** Assign `value` at dotted `key`. Throws ValidationError for a bad key or value, PayloadTooLargeError above 64 KiB. */
  set(key: string, value: unknown): void {
    const path = checkKey(key);
    encodeJson(value, VALUE_MAX_BYTES, `setting ${key}`);
    const leaves: Array<[string, string]> = [];
    flatten(key, value, leaves);
    for (const [k] of leaves) checkKey(k);
    const at = this.now().toISOString();
    guarded(this.db, `writing setting ${key}`, () =>
      this.db.transaction(() => {
        for (let i = 1; i < path.length; i++) this.deleteOne.run(path.slice(0, i).join('.'));
        this.deleteTree.run({ key });
        for (const [k, v] of leaves) this.insert.run(k, v, at);
      })(),
    );
  }

  /** Remove the setting at `key` and everything below it (its layer below then shows through). */
  delete(key: string): void {
    checkKey(key);
    guarded(this.db, `deleting setting ${key}`, () => this.deleteTree.run({ key }));
  }
}

function isSegment(s: string): boolean {
  return SEGMENT.test(s) && !FORBIDDEN.has(s);
}

function checkKey(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX_LENGTH) {
    throw new ValidationError(`setting key ${JSON.stringify(key)} must be 1 to ${KEY_MAX_LENGTH} characters`, {
      details: { key },
    });
  }
  const path = key.split('.');
  const bad = path.find((s) => !isSegment(s));
  if (bad !== undefined) {
    throw new ValidationError(
      `setting key ${JSON.stringify(key)} has a bad segment ${JSON.stringify(bad)} ` +
        '(dotted names of letters, digits, - and _)',
      { details: { key } },
    );
  }
  return path;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Collect the leaves of `value` under `key` as [dotted key, JSON] pairs. */
function flatten(key: string, value: unknown, out: Array<[string, string]>): void {
  if (!isPlainObject(value)) {
    out.push([key, encodeJson(value, VALUE_MAX_BYTES, `setting ${key}`)]);
    return;
  }
  for (const [child, v] of Object.entries(value)) {
    if (v === undefined) continue; // as JSON.stringify does
    flatten(`${key}.${child}`, v, out);
  }
}

/** Put `value` at `path` in `tree`; a deeper key replaces a leaf above it. */
function place(tree: SettingsTree, path: string[], value: unknown): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (isPlainObject(next)) {
      node = next;
    } else {
      const created: SettingsTree = {};
      node[segment] = created;
      node = created;
    }
  }
  const last = path[path.length - 1]!;
  const existing = node[last];
  // A leaf never replaces a subtree placed before it (rows come in key order, `a` before `a.b`).
  if (!isPlainObject(existing) || isPlainObject(value)) node[last] = value;
}
