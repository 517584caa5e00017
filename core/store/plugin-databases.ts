import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { closeDatabase, openDatabase, type SqliteDatabase } from './database.js';
import { moveLegacyPluginTables } from './legacy-plugin-tables.js';
import { isMigrationOwner, Migrator } from './migrator.js';
import { refuseCrossDatabaseSql } from './sql-guard.js';

/** One plugin's open database and the migrator that records its migrations in it. */
export interface OpenPluginDatabase {
  db: SqliteDatabase;
  migrator: Migrator;
}

/** Where a plugin store gets its plugin's database (opened on first use). */
export interface PluginDatabaseSource {
  open(owner: string): OpenPluginDatabase;
}

export interface PluginDatabasesOptions {
  /** The data directory: files go to `<dataDir>/plugin-data/<id>/<id>.db`. `null`: in memory (tests). */
  dataDir: string | null;
  /** The core database: tables a plugin left there (older releases) are moved into its file once. */
  legacy?: SqliteDatabase;
  log: Logger;
  now?: () => Date;
}

/** The file of plugin `owner`'s database under `dataDir`. */
export function pluginDatabaseFile(dataDir: string, owner: string): string {
  return join(dataDir, 'plugin-data', owner, `${owner}.db`);
}

/** The plugin database files that exist under `dataDir` (for `xlive backup`), sorted by owner. */
export function existingPluginDatabases(dataDir: string): Array<{ owner: string; file: string }> {
  const root = join(dataDir, 'plugin-data');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((owner) => isMigrationOwner(owner) && existsSync(pluginDatabaseFile(dataDir, owner)))
    .sort()
    .map((owner) => ({ owner, file: pluginDatabaseFile(dataDir, owner) }));
}

/**
 * Every plugin gets its own SQLite file (WAL, mode 0600, `quick_check` at open), opened lazily on its
 * first `ctx.store.migrate()`, so no plugin ever holds a handle on the core's or another plugin's
 * tables. Statements through the plugin's handle may not ATTACH other files.
 */
export class PluginDatabases implements PluginDatabaseSource {
  private readonly opened = new Map<string, OpenPluginDatabase>();

  constructor(private readonly o: PluginDatabasesOptions) {}

  open(owner: string): OpenPluginDatabase {
    const known = this.opened.get(owner);
    if (known) return known;
    if (!isMigrationOwner(owner) || owner === 'core') {
      throw new DatabaseError(`plugin database owner ${JSON.stringify(owner)} is not a plugin id`, { details: { owner } });
    }
    const log = this.o.log.child(`db:${owner}`);
    const file = this.o.dataDir === null ? ':memory:' : pluginDatabaseFile(this.o.dataDir, owner);
    const db = openDatabase(file, log);
    try {
      const migrator = new Migrator(db, log, this.o.now, (sql) => refuseCrossDatabaseSql(sql, owner));
      if (this.o.legacy) moveLegacyPluginTables(this.o.legacy, db, owner, this.o.log.child('db'), this.o.now);
      const entry = { db, migrator };
      this.opened.set(owner, entry);
      return entry;
    } catch (err) {
      closeDatabase(db, log);
      throw err;
    }
  }

  /** The files opened so far. */
  files(): Array<{ owner: string; file: string }> {
    return [...this.opened].map(([owner, e]) => ({ owner, file: e.db.name }));
  }

  /** Checkpoint and close plugin `owner`'s database if it is open (before its files are removed). */
  close(owner: string): void {
    const e = this.opened.get(owner);
    if (!e) return;
    this.opened.delete(owner);
    closeDatabase(e.db, this.o.log.child(`db:${owner}`));
  }

  /** Checkpoint and close every plugin database (at shutdown, after the plugins stopped). */
  closeAll(): void {
    for (const [owner, e] of this.opened) {
      closeDatabase(e.db, this.o.log.child(`db:${owner}`));
    }
    this.opened.clear();
  }
}

/** One already open connection serving as the database of any plugin (unit-test harnesses). */
export function singlePluginDatabase(db: SqliteDatabase, log: Logger): PluginDatabaseSource {
  let entry: OpenPluginDatabase | undefined;
  return {
    open(owner) {
      entry ??= { db, migrator: new Migrator(db, log, undefined, (sql) => refuseCrossDatabaseSql(sql, owner)) };
      return entry;
    },
  };
}
