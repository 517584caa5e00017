import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type PluginDatabase, type PluginStatement } from 'xlive/sdk';
import { digestEqual, sha256Hex } from './timing-safe.js';

/**
 * Publish keys of the configured streams (`live/stage`): 192 random bits, base64url (32 characters,
 * valid as an RTMP stream name), stored as SHA-256 — enough for a high-entropy secret — and compared
 * in constant time. Rotating replaces the hash, so the old key stops working at once.
 */
export interface StreamKeyInfo {
  path: string;
  app: string;
  name: string;
  protected: boolean;
  createdAt: string;
  rotatedAt: string;
  /** First 8 hex digits of the key's SHA-256: tells keys apart without revealing them. */
  fingerprint: string;
  /** Playback links carry this; revoking them all adds one. */
  playbackEpoch: number;
}

interface Row {
  path: string;
  app: string;
  key_hash: string;
  protected: number;
  created_at: number;
  rotated_at: number;
  playback_epoch: number;
}

export const STREAM_KEY = /^[A-Za-z0-9_-]{32}$/;
export const MAX_STREAM_KEYS = 10_000;

export type ParsePath = (path: string) => { app: string; name: string; path: string };

function toInfo(r: Row): StreamKeyInfo {
  return {
    path: r.path,
    app: r.app,
    name: r.path.slice(r.app.length + 1),
    protected: r.protected !== 0,
    createdAt: new Date(r.created_at).toISOString(),
    rotatedAt: new Date(r.rotated_at).toISOString(),
    fingerprint: r.key_hash.slice(0, 8),
    playbackEpoch: r.playback_epoch,
  };
}

export function newStreamKey(): string {
  return randomBytes(24).toString('base64url');
}

export class StreamKeyStore {
  private readonly byPath: PluginStatement;
  private readonly byHash: PluginStatement;
  private readonly now: () => number;

  constructor(
    private readonly db: PluginDatabase,
    private readonly parsePath: ParsePath,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.byPath = db.prepare('SELECT * FROM auth_local_stream_keys WHERE path = ?');
    this.byHash = db.prepare('SELECT * FROM auth_local_stream_keys WHERE key_hash = ?');
  }

  list(): StreamKeyInfo[] {
    return (this.db.prepare('SELECT * FROM auth_local_stream_keys ORDER BY path').all() as Row[]).map(toInfo);
  }

  get(path: string): StreamKeyInfo | undefined {
    const r = this.byPath.get(path) as Row | undefined;
    return r && toInfo(r);
  }

  require(path: string): StreamKeyInfo {
    const info = this.get(path);
    if (!info) throw new NotFoundError(`no stream key for ${JSON.stringify(path.slice(0, 200))}`);
    return info;
  }

  /**
   * Configure a stream and return its first key (shown once). ConflictError when it exists. `given`:
   * a key chosen elsewhere (flash-time provisioning, `xlive keys create` with XLIVE_STREAM_KEY), of the
   * same form and strength as a generated one.
   */
  create(path: string, isProtected = false, given?: string): { info: StreamKeyInfo; key: string } {
    const p = this.parsePath(path);
    if (given !== undefined && !STREAM_KEY.test(given)) {
      throw new ValidationError('a stream key is 32 characters of A-Z a-z 0-9 _ - (24 random bytes, base64url: openssl rand -base64 24 | tr "+/" "-_")');
    }
    const key = given ?? newStreamKey();
    const t = this.now();
    this.db.transaction(() => {
      if (this.byPath.get(p.path)) throw new ConflictError(`stream ${p.path} already has a key; rotate it instead`);
      if (given !== undefined && this.byHash.get(sha256Hex(key))) throw new ConflictError('another stream already has this key; choose another');
      const n = (this.db.prepare('SELECT COUNT(*) AS n FROM auth_local_stream_keys').get() as { n: number }).n;
      if (n >= MAX_STREAM_KEYS) throw new ConflictError(`this box already has ${MAX_STREAM_KEYS} stream keys`);
      this.db
        .prepare('INSERT INTO auth_local_stream_keys (path, app, key_hash, protected, created_at, rotated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(p.path, p.app, sha256Hex(key), isProtected ? 1 : 0, t, t);
    });
    return { info: this.require(p.path), key };
  }

  /** A new key for `path`; the old one stops working now. */
  rotate(path: string): { info: StreamKeyInfo; key: string } {
    const key = newStreamKey();
    const r = this.db.prepare('UPDATE auth_local_stream_keys SET key_hash = ?, rotated_at = ? WHERE path = ?').run(sha256Hex(key), this.now(), path);
    if (r.changes === 0) throw new NotFoundError(`no stream key for ${JSON.stringify(path.slice(0, 200))}`);
    return { info: this.require(path), key };
  }

  setProtected(path: string, value: boolean): StreamKeyInfo {
    const r = this.db.prepare('UPDATE auth_local_stream_keys SET protected = ? WHERE path = ?').run(value ? 1 : 0, path);
    if (r.changes === 0) throw new NotFoundError(`no stream key for ${JSON.stringify(path.slice(0, 200))}`);
    return this.require(path);
  }

  /** Void every playback link of `path` issued so far (the revocation epoch goes up by one). */
  revokePlayback(path: string): StreamKeyInfo {
    const r = this.db.prepare('UPDATE auth_local_stream_keys SET playback_epoch = playback_epoch + 1 WHERE path = ?').run(path);
    if (r.changes === 0) throw new NotFoundError(`no stream key for ${JSON.stringify(path.slice(0, 200))}`);
    return this.require(path);
  }

  /** Remove a stream's key. A protected stream's key cannot be removed (that would make it public): ConflictError. */
  delete(path: string): void {
    if (this.get(path)?.protected) {
      throw new ConflictError(`${path.slice(0, 200)} is protected; removing its key would make it public. Turn protection off first, or rotate the key instead`);
    }
    if (this.db.prepare('DELETE FROM auth_local_stream_keys WHERE path = ?').run(path).changes === 0) {
      throw new NotFoundError(`no stream key for ${JSON.stringify(path.slice(0, 200))}`);
    }
  }

  /** The stream a key (sent as the stream name, OBS style) belongs to. */
  findByKey(key: string): StreamKeyInfo | undefined {
    if (!STREAM_KEY.test(key)) return undefined;
    const hash = sha256Hex(key);
    const r = this.byHash.get(hash) as Row | undefined;
    if (!r || !digestEqual(Buffer.from(r.key_hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
    return toInfo(r);
  }

  /** Whether `key` is the current key of `path` (constant-time on the digests). */
  verify(path: string, key: string): boolean {
    const r = this.byPath.get(path) as Row | undefined;
    if (!r || typeof key !== 'string' || key.length > 256) return false;
    return digestEqual(Buffer.from(r.key_hash, 'hex'), Buffer.from(sha256Hex(key), 'hex'));
  }
}
