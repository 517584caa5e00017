import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors/xlive-error.js';
import type { SqliteDatabase } from './database.js';
import { decodeJson, encodeJson } from './json-value.js';
import { guarded } from './sqlite-error.js';

const KEY_MAX_LENGTH = 256;
/** Bound on one stored value (JSON, UTF-8): the store is for state, not for media. */
export const PLUGIN_KV_VALUE_MAX_BYTES = 1024 * 1024;

/** JSON values per owner (a plugin id) and key (`plugin_kv`). Needs CORE_MIGRATIONS applied. */
export class PluginKvRepository {
  private readonly selectOne: Statement<[string, string], { value: string }>;
  private readonly selectKeys: Statement<[string], { key: string }>;
  private readonly upsert: Statement<[string, string, string, string]>;
  private readonly deleteOne: Statement<[string, string]>;
  private readonly deleteAll: Statement<[string]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    [this.selectOne, this.selectKeys, this.upsert, this.deleteOne, this.deleteAll] = guarded(
      db,
      'preparing plugin_kv statements',
      () => [
        db.prepare<[string, string], { value: string }>('SELECT value FROM plugin_kv WHERE owner = ? AND key = ?'),
        db.prepare<[string], { key: string }>('SELECT key FROM plugin_kv WHERE owner = ? ORDER BY key'),
        db.prepare<[string, string, string, string]>(
          `INSERT INTO plugin_kv (owner, key, value, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        ),
        db.prepare<[string, string]>('DELETE FROM plugin_kv WHERE owner = ? AND key = ?'),
        db.prepare<[string]>('DELETE FROM plugin_kv WHERE owner = ?'),
      ],
    );
  }

  /** The value stored under `owner`/`key`, or undefined. */
  get(owner: string, key: string): unknown {
    checkKey(owner, key);
    const row = guarded(this.db, `reading plugin_kv ${owner}/${key}`, () => this.selectOne.get(owner, key));
    return row === undefined ? undefined : decodeJson(row.value, `plugin_kv ${owner}/${key}`, this.db.name);
  }

  /** Store a JSON-serialisable value. Throws ValidationError / PayloadTooLargeError (above 1 MiB). */
  set(owner: string, key: string, value: unknown): void {
    checkKey(owner, key);
    const text = encodeJson(value, PLUGIN_KV_VALUE_MAX_BYTES, `value of ${owner}/${key}`);
    const at = this.now().toISOString();
    guarded(this.db, `writing plugin_kv ${owner}/${key}`, () => this.upsert.run(owner, key, text, at));
  }

  /** Remove one key (no error when it is missing). */
  delete(owner: string, key: string): void {
    checkKey(owner, key);
    guarded(this.db, `deleting plugin_kv ${owner}/${key}`, () => this.deleteOne.run(owner, key));
  }

  /** The keys stored for `owner`, sorted. */
  keys(owner: string): string[] {
    checkOwner(owner);
    return guarded(this.db, `listing plugin_kv ${owner}`, () => this.selectKeys.all(owner)).map((r) => r.key);
  }

  /** Remove everything stored for `owner` (a plugin being removed); returns how many keys went. */
  deleteOwner(owner: string): number {
    checkOwner(owner);
    return guarded(this.db, `deleting plugin_kv ${owner}`, () => this.deleteAll.run(owner)).changes;
  }
}

function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > KEY_MAX_LENGTH) {
    throw new ValidationError(`store owner ${JSON.stringify(owner)} must be 1 to ${KEY_MAX_LENGTH} characters`, {
      details: { owner },
    });
  }
}

function checkKey(owner: string, key: string): void {
  checkOwner(owner);
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX_LENGTH) {
    throw new ValidationError(`store key ${JSON.stringify(key)} of ${owner} must be 1 to ${KEY_MAX_LENGTH} characters`, {
      details: { owner, key },
    });
  }
}
