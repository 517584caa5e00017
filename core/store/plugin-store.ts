import { DatabaseError } from '../errors/xlive-error.js';
import type { Migration, PluginDatabase, PluginStore } from '../sdk/plugin.js';
import { CORE_OWNER } from './core-migrations.js';
import type { SqliteDatabase } from './database.js';
import { isMigrationOwner } from './migrator.js';
import { createPluginDatabase } from './plugin-database.js';
import type { PluginDatabaseSource } from './plugin-databases.js';
import { PluginKvRepository } from './plugin-kv-repository.js';
import { refuseCrossDatabaseSql } from './sql-guard.js';

export interface PluginStoreOptions {
  /** Share one repository (and its prepared statements) between all plugin stores. */
  kv?: PluginKvRepository;
  /** Clock for `updated_at` when no `kv` is given. */
  now?: () => Date;
}

/**
 * The SDK PluginStore of plugin `owner`: JSON values namespaced by the plugin id in the core's
 * `plugin_kv` (reached only through get/set/delete), and `migrate()` for the plugin's own tables,
 * which live in the plugin's own database file (`databases.open(owner)`, opened on first use) and
 * are recorded in that file's `schema_migrations`. `coreDb` needs CORE_MIGRATIONS applied.
 */
export function createPluginStore(
  coreDb: SqliteDatabase,
  owner: string,
  databases: PluginDatabaseSource,
  options: PluginStoreOptions = {},
): PluginStore {
  if (!isMigrationOwner(owner) || owner === CORE_OWNER) {
    throw new DatabaseError(`plugin store owner ${JSON.stringify(owner)} is not a plugin id`, { details: { owner } });
  }
  const kv = options.kv ?? new PluginKvRepository(coreDb, options.now);
  let database: PluginDatabase | undefined;
  return {
    get<T = unknown>(key: string): T | undefined {
      return kv.get(owner, key) as T | undefined;
    },
    set(key: string, value: unknown): void {
      kv.set(owner, key, value);
    },
    delete(key: string): void {
      kv.delete(owner, key);
    },
    migrate(migrations: readonly Migration[]): PluginDatabase {
      const own = databases.open(owner);
      own.migrator.migrate(owner, migrations);
      database ??= createPluginDatabase(own.db, (sql) => refuseCrossDatabaseSql(sql, owner));
      return database;
    },
  };
}
