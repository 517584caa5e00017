import type { PluginDatabase, PluginStatement } from '../sdk/plugin.js';
import type { SqliteDatabase } from './database.js';

/**
 * The SDK's PluginDatabase over a better-sqlite3 connection: exec, prepare and transaction, and
 * nothing else (no close, no backup). Synchronous, like the driver.
 */
export function createPluginDatabase(db: SqliteDatabase): PluginDatabase {
  return {
    exec(sql: string): void {
      db.exec(sql);
    },
    prepare(sql: string): PluginStatement {
      return db.prepare(sql);
    },
    transaction<T>(fn: () => T): T {
      // better-sqlite3 nests transactions as savepoints, so this works inside a migration too.
      return db.transaction(fn)();
    },
  };
}
