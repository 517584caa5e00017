import type { PluginDatabase, PluginStatement } from '../sdk/plugin.js';
import type { SqliteDatabase } from './database.js';

/** Checks a statement before it runs; throws to refuse it. */
export type SqlGuard = (sql: string) => void;

/**
 * The SDK's PluginDatabase over a better-sqlite3 connection: exec, prepare and transaction, and
 * nothing else (no close, no backup). Synchronous, like the driver. With `guard`, every statement
 * is checked first (plugins' own databases refuse ATTACH/DETACH).
 */
export function createPluginDatabase(db: SqliteDatabase, guard?: SqlGuard): PluginDatabase {
  return {
    exec(sql: string): void {
      guard?.(sql);
      db.exec(sql);
    },
    prepare(sql: string): PluginStatement {
      guard?.(sql);
      return db.prepare(sql);
    },
    transaction<T>(fn: () => T): T {
      // better-sqlite3 nests transactions as savepoints, so this works inside a migration too.
      return db.transaction(fn)();
    },
  };
}
