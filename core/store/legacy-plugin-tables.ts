import { DatabaseError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { SqliteDatabase } from './database.js';
import { guarded, toDatabaseError } from './sqlite-error.js';

/** What one move did (for the log and tests). */
export interface LegacyMove {
  owner: string;
  tables: string[];
  rows: number;
  /** True when an earlier, interrupted move had already copied the data: only the core copy was dropped. */
  resumed: boolean;
}

interface SchemaObject {
  type: 'table' | 'index' | 'trigger' | 'view';
  name: string;
  sql: string;
}

/** The prefix of a plugin's tables by the SDK's naming rule (`auth-local` → `auth_local_`). */
export function tablePrefix(owner: string): string {
  return `${owner.replace(/-/g, '_')}_`;
}

/**
 * Before plugins had their own files, their tables lived in the core's `xlive.db` (recorded under
 * their id in its `schema_migrations`). Move those of `owner` into `target` (the plugin's own file,
 * already holding an empty `schema_migrations`) once:
 *
 * 1. copy every `<prefix>*` table, index, trigger and view, their rows, AUTOINCREMENT counters and the
 *    owner's `schema_migrations` rows into `target` in ONE transaction (ATTACH of the core file, read
 *    only), checking row counts;
 * 2. then, in ONE transaction on the core connection, drop them from the core, delete the owner's
 *    `schema_migrations` rows and record the move in `plugin_data_moves` (the marker).
 *
 * A kill during step 1 leaves `target` without the owner's rows (rolled back) and the core untouched:
 * the next start copies again. A kill between 1 and 2, or during 2, leaves the copy committed and the
 * core copy intact: the next start sees the owner's rows in `target` and only finishes step 2.
 * Returns undefined when there is nothing to move.
 */
export function moveLegacyPluginTables(core: SqliteDatabase, target: SqliteDatabase, owner: string, log: Logger, now: () => Date = () => new Date()): LegacyMove | undefined {
  if (core.memory || target.memory) return undefined;
  const legacyVersions = guarded(core, `reading legacy migrations of ${owner}`, () =>
    core.prepare('SELECT version, name, applied_at FROM schema_migrations WHERE owner = ? ORDER BY version').all(owner),
  ) as Array<{ version: number; name: string; applied_at: string }>;
  if (legacyVersions.length === 0) return undefined;
  const objects = legacyObjects(core, owner);
  const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
  const copied = guarded(target, `reading migrations of ${owner}`, () =>
    target.prepare('SELECT count(*) AS n FROM schema_migrations WHERE owner = ?').get(owner),
  ) as { n: number };
  let rows = 0;
  const resumed = copied.n > 0;
  if (!resumed) rows = copyInto(core, target, owner, objects, legacyVersions);
  dropFromCore(core, target.name, owner, objects, rows, now);
  const move: LegacyMove = { owner, tables, rows, resumed };
  log.info(
    resumed
      ? `finished moving ${owner}'s tables out of ${core.name}: ${target.name} already held them (an earlier move was interrupted)`
      : `moved ${tables.length} tables (${rows} rows) of ${owner} from ${core.name} into its own database ${target.name}`,
    { owner, tables },
  );
  return move;
}

function legacyObjects(core: SqliteDatabase, owner: string): SchemaObject[] {
  const prefix = tablePrefix(owner);
  // substr, not LIKE: `_` is a LIKE wildcard. rowid order = creation order (parents before children).
  return guarded(core, `listing legacy tables of ${owner}`, () =>
    core
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
         WHERE substr(tbl_name, 1, ?) = ? AND sql IS NOT NULL AND type IN ('table', 'index', 'trigger', 'view')
         ORDER BY rowid`,
      )
      .all(prefix.length, prefix),
  ) as SchemaObject[];
}

function copyInto(
  core: SqliteDatabase,
  target: SqliteDatabase,
  owner: string,
  objects: readonly SchemaObject[],
  versions: ReadonlyArray<{ version: number; name: string; applied_at: string }>,
): number {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  try {
    target.prepare("ATTACH DATABASE ? AS xlive_legacy").run(core.name);
  } catch (err) {
    throw toDatabaseError(err, `attaching ${core.name} to move ${owner}'s tables`, target.name);
  }
  try {
    const copy = target.transaction((): number => {
      target.pragma('defer_foreign_keys = ON');
      let rows = 0;
      for (const o of objects.filter((x) => x.type === 'table')) {
        target.exec(o.sql);
        const r = target.prepare(`INSERT INTO main.${q(o.name)} SELECT * FROM xlive_legacy.${q(o.name)}`).run();
        const want = target.prepare(`SELECT count(*) AS n FROM xlive_legacy.${q(o.name)}`).get() as { n: number };
        if (r.changes !== want.n) throw new DatabaseError(`copying ${o.name} of ${owner} gave ${r.changes} rows, the core holds ${want.n}`);
        rows += r.changes;
      }
      for (const o of objects.filter((x) => x.type !== 'table')) target.exec(o.sql);
      const hasSeq =
        target.prepare("SELECT 1 FROM xlive_legacy.sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined &&
        target.prepare("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
      if (hasSeq) {
        // Keep AUTOINCREMENT counters (ids of pruned rows are never reused).
        target.exec(`UPDATE main.sqlite_sequence SET seq = max(seq, coalesce((SELECT l.seq FROM xlive_legacy.sqlite_sequence l WHERE l.name = main.sqlite_sequence.name), 0))`);
      }
      const insert = target.prepare('INSERT INTO main.schema_migrations (owner, version, name, applied_at) VALUES (?, ?, ?, ?)');
      for (const v of versions) insert.run(owner, v.version, v.name, v.applied_at);
      return rows;
    });
    return copy.immediate();
  } catch (err) {
    throw toDatabaseError(err, `copying ${owner}'s tables out of ${core.name} (nothing was removed from it)`, target.name);
  } finally {
    target.exec('DETACH DATABASE xlive_legacy');
  }
}

function dropFromCore(core: SqliteDatabase, file: string, owner: string, objects: readonly SchemaObject[], rows: number, now: () => Date): void {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const drop = core.transaction(() => {
    core.pragma('defer_foreign_keys = ON');
    for (const o of objects.filter((x) => x.type === 'view')) core.exec(`DROP VIEW IF EXISTS ${q(o.name)}`);
    // Children (created later) first; their indexes and triggers go with them.
    for (const o of objects.filter((x) => x.type === 'table').reverse()) core.exec(`DROP TABLE IF EXISTS ${q(o.name)}`);
    core.prepare('DELETE FROM schema_migrations WHERE owner = ?').run(owner);
    core
      .prepare(
        `INSERT INTO plugin_data_moves (owner, file, tables, rows, moved_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (owner) DO UPDATE SET file = excluded.file, tables = excluded.tables, rows = excluded.rows, moved_at = excluded.moved_at`,
      )
      .run(owner, file, JSON.stringify(objects.filter((o) => o.type === 'table').map((o) => o.name)), rows, now().toISOString());
  });
  try {
    drop.immediate();
  } catch (err) {
    throw toDatabaseError(err, `removing ${owner}'s moved tables (its data is safe in ${file})`, core.name);
  }
}
