import type { Migration } from '../sdk/plugin.js';

/** The migration owner of the core's own tables. */
export const CORE_OWNER = 'core';

/**
 * The core's own tables. Append new migrations with the next version; never edit a shipped one.
 * Times are ISO 8601 text; `value` columns hold JSON.
 * (The key columns are NOT NULL on purpose: SQLite lets NULL into a PRIMARY KEY of a rowid table.)
 */
export const CORE_MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'plugin state, plugin key-value store, settings',
    up: `
      CREATE TABLE plugin_state (
        id TEXT PRIMARY KEY NOT NULL,
        enabled INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE plugin_kv (
        owner TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (owner, key)
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'event log',
    up: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        source TEXT NOT NULL,
        stream TEXT,
        message TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX events_type ON events (type, id);
      CREATE INDEX events_time ON events (time);
    `,
  },
  {
    version: 3,
    name: 'plugin consent, moves of plugin tables into their own files',
    up: `
      CREATE TABLE plugin_consent (
        id TEXT PRIMARY KEY NOT NULL,
        version TEXT NOT NULL,
        permissions TEXT NOT NULL,
        actor TEXT NOT NULL,
        consented_at TEXT NOT NULL
      );
      CREATE TABLE plugin_data_moves (
        owner TEXT PRIMARY KEY NOT NULL,
        file TEXT NOT NULL,
        tables TEXT NOT NULL,
        rows INTEGER NOT NULL,
        moved_at TEXT NOT NULL
      );
    `,
  },
]);
