/** The SQLite store: connection, migrations, the core's tables and their repositories, backups. */
export { openDatabase, closeDatabase, quickCheck, type SqliteDatabase } from './database.js';
export { Migrator, isMigrationOwner, type AppliedMigration, type MigrationOutcome } from './migrator.js';
export { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
export { PluginStateRepository } from './plugin-state-repository.js';
export { SettingsRepository, type SettingsTree } from './settings-repository.js';
export { PluginKvRepository, PLUGIN_KV_VALUE_MAX_BYTES } from './plugin-kv-repository.js';
export { createPluginStore, type PluginStoreOptions } from './plugin-store.js';
export { createPluginDatabase, type SqlGuard } from './plugin-database.js';
export {
  PluginDatabases,
  existingPluginDatabases,
  pluginDatabaseFile,
  singlePluginDatabase,
  type OpenPluginDatabase,
  type PluginDatabaseSource,
} from './plugin-databases.js';
export { moveLegacyPluginTables, tablePrefix, type LegacyMove } from './legacy-plugin-tables.js';
export { PluginConsentRepository, type PluginConsent } from './plugin-consent-repository.js';
export { backupDatabase, type BackupOptions } from './backup.js';
export { EventRepository } from './event-repository.js';
export { toDatabaseError, isCorruption } from './sqlite-error.js';
