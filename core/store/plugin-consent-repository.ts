import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { decodeJson } from './json-value.js';
import { guarded } from './sqlite-error.js';

/** The permissions an admin consented to for an external plugin, and for which version. */
export interface PluginConsent {
  id: string;
  version: string;
  permissions: string[];
  actor: string;
  consentedAt: string;
}

interface Row {
  id: string;
  version: string;
  permissions: string;
  actor: string;
  consented_at: string;
}

/** Consent to external plugins' permissions (`plugin_consent`). Needs CORE_MIGRATIONS applied. */
export class PluginConsentRepository {
  private readonly selectOne: Statement<[string], Row>;
  private readonly upsert: Statement<[string, string, string, string, string]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    [this.selectOne, this.upsert] = guarded(db, 'preparing plugin_consent statements', () => [
      db.prepare<[string], Row>('SELECT id, version, permissions, actor, consented_at FROM plugin_consent WHERE id = ?'),
      db.prepare<[string, string, string, string, string]>(
        `INSERT INTO plugin_consent (id, version, permissions, actor, consented_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, permissions = excluded.permissions,
           actor = excluded.actor, consented_at = excluded.consented_at`,
      ),
    ]);
  }

  get(id: string): PluginConsent | undefined {
    const row = guarded(this.db, `reading plugin_consent ${id}`, () => this.selectOne.get(id));
    if (!row) return undefined;
    const permissions = decodeJson(row.permissions, `plugin_consent ${id}`, this.db.name);
    return {
      id: row.id,
      version: row.version,
      permissions: Array.isArray(permissions) ? permissions.map(String) : [],
      actor: row.actor,
      consentedAt: row.consented_at,
    };
  }

  /** Forget the consent to plugin `id` (it was uninstalled: a reinstall asks again). */
  delete(id: string): void {
    guarded(this.db, `deleting plugin_consent ${id}`, () => this.db.prepare<[string]>('DELETE FROM plugin_consent WHERE id = ?').run(id));
  }

  set(id: string, version: string, permissions: readonly string[], actor: string): void {
    const at = this.now().toISOString();
    const list = JSON.stringify([...new Set(permissions)].sort());
    guarded(this.db, `writing plugin_consent ${id}`, () => this.upsert.run(id, version, list, actor, at));
  }
}
