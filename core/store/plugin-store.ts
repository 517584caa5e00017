import { DatabaseError } from '../errors/xlive-error.js';
import type { Migration, PluginDatabase, PluginStore } from '../sdk/plugin.js';
import { CORE_OWNER } from './core-migrations.js';
import type { SqliteDatabase } from './database.js';
import { isMigrationOwner, type Migrator } from './migrator.js';
import { createPluginDatabase } from './plugin-database.js';
import { PluginKvRepository } from './plugin-kv-repository.js';

export interface PluginStoreOptions {
  /** Share one repository (and its prepared statements) between all plugin stores. */
  kv?: PluginKvRepository;
  /** Clock for `updated_at` when no `kv` is given. */
  now?: () => Date;
}

/**
 * The SDK PluginStore of plugin `owner`: JSON values namespaced by the plugin id in `plugin_kv`,
 * and `migrate()` for the plugin's own tables (recorded under its id in `schema_migrations`).
 * Needs CORE_MIGRATIONS applied.
 */
export function createPluginStore(
  db: SqliteDatabase,
  owner: string,
  migrator: Pick<Migrator, 'migrate'>,
  options: PluginStoreOptions = {},
): PluginStore {
  if (!isMigrationOwner(owner) || owner === CORE_OWNER) {
    throw new DatabaseError(`plugin store owner ${JSON.stringify(owner)} is not a plugin id`, { details: { owner } });
  }
  const kv = options.kv ?? new PluginKvRepository(db, options.now);
  const database: PluginDatabase = createPluginDatabase(db);
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
      migrator.migrate(owner, migrations);
      return database;
    },
  };
}
