import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { guarded } from './sqlite-error.js';

/** Enabled/disabled state of plugins (`plugin_state`), as the operator set it. Needs CORE_MIGRATIONS applied. */
export class PluginStateRepository {
  private readonly selectOne: Statement<[string], { enabled: number }>;
  private readonly selectAll: Statement<[], { id: string; enabled: number }>;
  private readonly upsert: Statement<[string, number, string]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    [this.selectOne, this.selectAll, this.upsert] = guarded(db, 'preparing plugin_state statements', () => [
      db.prepare<[string], { enabled: number }>('SELECT enabled FROM plugin_state WHERE id = ?'),
      db.prepare<[], { id: string; enabled: number }>('SELECT id, enabled FROM plugin_state ORDER BY id'),
      db.prepare<[string, number, string]>(
        `INSERT INTO plugin_state (id, enabled, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
      ),
    ]);
  }

  /** The saved state of plugin `id`; undefined when the box was never told (use the manifest default). */
  get(id: string): boolean | undefined {
    const row = guarded(this.db, `reading plugin_state ${id}`, () => this.selectOne.get(id));
    return row === undefined ? undefined : row.enabled !== 0;
  }

  set(id: string, enabled: boolean): void {
    const at = this.now().toISOString();
    guarded(this.db, `writing plugin_state ${id}`, () => this.upsert.run(id, enabled ? 1 : 0, at));
  }

  /** Forget plugin `id`'s saved state (it was uninstalled). */
  delete(id: string): void {
    guarded(this.db, `deleting plugin_state ${id}`, () => this.db.prepare<[string]>('DELETE FROM plugin_state WHERE id = ?').run(id));
  }

  /** Every saved state, by plugin id. */
  all(): Map<string, boolean> {
    const rows = guarded(this.db, 'reading plugin_state', () => this.selectAll.all());
    return new Map(rows.map((r) => [r.id, r.enabled !== 0]));
  }
}
