import { createHmac, randomBytes } from 'node:crypto';
import type { PluginDatabase, PluginStatement } from 'xlive/sdk';
import { safeEqual, sha256Hex } from './timing-safe.js';

/**
 * Server-side panel sessions. The cookie carries a random 256-bit id; the table stores only its
 * SHA-256, with expiry and revocation. The CSRF token is HMAC(csrf key, session id): nothing to store,
 * and it dies with the session.
 */
export interface SessionRow {
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStoreOptions {
  ttlMs: number;
  maxPerUser: number;
  csrfKey: Uint8Array;
  now?: () => number;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  private readonly insert: PluginStatement;
  private readonly select: PluginStatement;
  private readonly revokeOne: PluginStatement;
  private readonly revokeUser: PluginStatement;
  private readonly purge: PluginStatement;
  private readonly trim: PluginStatement;
  private readonly now: () => number;

  constructor(
    private readonly db: PluginDatabase,
    private readonly o: SessionStoreOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.insert = db.prepare('INSERT INTO auth_local_sessions (id_hash, user_id, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)');
    this.select = db.prepare('SELECT user_id, created_at, expires_at, revoked_at FROM auth_local_sessions WHERE id_hash = ?');
    this.revokeOne = db.prepare('UPDATE auth_local_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL');
    this.revokeUser = db.prepare('UPDATE auth_local_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?');
    this.purge = db.prepare('DELETE FROM auth_local_sessions WHERE expires_at < ? OR revoked_at < ?');
    this.trim = db.prepare(
      `UPDATE auth_local_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id_hash NOT IN
         (SELECT id_hash FROM auth_local_sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT ?)`,
    );
  }

  /** A new session for `userId`; returns the id for the cookie (never stored). Older sessions past the cap are revoked. */
  create(userId: number, ip: string | undefined): { id: string; expiresAt: number } {
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    const expiresAt = t + this.o.ttlMs;
    this.db.transaction(() => {
      this.purge.run(t - 86_400_000, t - 86_400_000);
      this.insert.run(sha256Hex(id), userId, t, expiresAt, ip?.slice(0, 64) ?? null);
      this.trim.run(t, userId, userId, this.o.maxPerUser);
    });
    return { id, expiresAt };
  }

  /** The live session behind a cookie value, or undefined (unknown, malformed, expired, revoked). */
  find(id: string): SessionRow | undefined {
    if (!SESSION_ID.test(id)) return undefined;
    const r = this.select.get(sha256Hex(id)) as { user_id: number; created_at: number; expires_at: number; revoked_at: number | null } | undefined;
    if (!r || r.revoked_at !== null || r.expires_at <= this.now()) return undefined;
    return { userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  revoke(id: string): boolean {
    if (!SESSION_ID.test(id)) return false;
    return this.revokeOne.run(this.now(), sha256Hex(id)).changes > 0;
  }

  /** Log a user out everywhere; returns how many sessions were live. */
  revokeAllFor(userId: number): number {
    const t = this.now();
    return this.revokeUser.run(t, userId, t).changes;
  }

  csrfTokenFor(id: string): string {
    return createHmac('sha256', this.o.csrfKey).update(`csrf:${id}`).digest('base64url');
  }

  /** Constant-time check of an X-CSRF-Token header against the session's token. */
  checkCsrf(id: string, presented: string | undefined): boolean {
    return typeof presented === 'string' && presented.length > 0 && safeEqual(presented, this.csrfTokenFor(id));
  }
}
