import type { Migration } from 'xlive/sdk';

/** The plugin's tables (prefixed `auth_local_`). Times are epoch milliseconds unless named `*_iso`. */
export const AUTH_LOCAL_MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'accounts, sessions, tokens, stream keys, lockouts, audit',
    up: `
      CREATE TABLE auth_local_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE auth_local_users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE auth_local_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES auth_local_users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        ip TEXT
      );
      CREATE INDEX auth_local_sessions_user ON auth_local_sessions(user_id, created_at);
      CREATE TABLE auth_local_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      );
      CREATE TABLE auth_local_stream_keys (
        path TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        protected INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        rotated_at INTEGER NOT NULL
      );
      CREATE TABLE auth_local_lockouts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start INTEGER NOT NULL,
        level INTEGER NOT NULL,
        locked_until INTEGER NOT NULL,
        last_failure INTEGER NOT NULL
      );
      CREATE TABLE auth_local_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_iso TEXT NOT NULL,
        actor TEXT NOT NULL,
        ip TEXT,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX auth_local_audit_action ON auth_local_audit(action, id);
    `,
  },
  {
    version: 2,
    name: 'token creators, playback revocation epochs',
    // A token's rights are checked against its creator's current role at every use. Existing tokens
    // get their creator from `created_by` ("user:<name>"); tokens made by another token, or whose
    // creator is gone, keep a NULL creator and are refused (re-create them): failing closed.
    // Lockouts became per (username, address); a username-wide lock left from before is lifted (that
    // key now only drives the bounded slow-down).
    up: `
      ALTER TABLE auth_local_tokens ADD COLUMN creator_user_id INTEGER;
      UPDATE auth_local_tokens SET creator_user_id =
        (SELECT u.id FROM auth_local_users u WHERE 'user:' || u.username = auth_local_tokens.created_by COLLATE NOCASE);
      ALTER TABLE auth_local_stream_keys ADD COLUMN playback_epoch INTEGER NOT NULL DEFAULT 0;
      UPDATE auth_local_lockouts SET locked_until = 0 WHERE key LIKE 'login-user:%';
    `,
  },
]);
