import type { PluginDatabase, PluginStatement } from 'xlive/sdk';

/** Security-relevant actions recorded in the audit table. */
export type AuditAction =
  | 'setup.done'
  | 'setup.refused'
  | 'login.ok'
  | 'login.failed'
  | 'login.locked'
  | 'logout'
  | 'logout.everywhere'
  | 'csrf.refused'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.password-reset'
  | 'token.created'
  | 'token.revoked'
  | 'token.refused'
  | 'key.created'
  | 'key.rotated'
  | 'key.deleted'
  | 'key.protection-changed'
  | 'playback-token.created'
  | 'playback-token.revoked'
  | 'play.blocked'
  | 'publish.refused'
  | 'publish.blocked'
  | 'plugin.changed'
  | 'plugin.installed'
  | 'plugin.uninstalled';

export interface AuditEntry {
  id: number;
  time: string;
  /** `user:<name>`, `token:<name>`, `console`, `anonymous`, `stream:<path>`. */
  actor: string;
  ip: string | null;
  action: AuditAction;
  detail: Record<string, unknown>;
}

export interface AuditInit {
  actor: string;
  ip?: string | undefined;
  action: AuditAction;
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  limit?: number;
  /** Only entries with a smaller id (paging backwards). */
  beforeId?: number;
  action?: string;
}

interface Row {
  id: number;
  time_iso: string;
  actor: string;
  ip: string | null;
  action: string;
  detail: string;
}

const PRUNE_EVERY = 100;
/** The largest page the API asks for (500) plus the one row that says there is more. */
export const MAX_AUDIT_PAGE = 501;

/** The audit table: newest `maxRows` kept (pruned every 100 inserts), newest first when listed. */
export class AuditLog {
  private readonly insert: PluginStatement;
  private readonly prune: PluginStatement;
  private inserted = 0;

  constructor(
    private readonly db: PluginDatabase,
    private readonly maxRows: number,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO auth_local_audit (time_iso, actor, ip, action, detail) VALUES (?, ?, ?, ?, ?)');
    this.prune = db.prepare('DELETE FROM auth_local_audit WHERE id <= (SELECT MAX(id) FROM auth_local_audit) - ?');
  }

  record(e: AuditInit): void {
    let detail = JSON.stringify(e.detail ?? {});
    if (detail.length > 4000) detail = JSON.stringify({ truncated: true });
    this.insert.run(new Date(this.now()).toISOString(), e.actor.slice(0, 200), e.ip?.slice(0, 64) ?? null, e.action, detail);
    if (++this.inserted % PRUNE_EVERY === 0) this.prune.run(this.maxRows);
  }

  list(q: AuditQuery = {}): AuditEntry[] {
    const limit = Math.min(Math.max(1, q.limit ?? 100), MAX_AUDIT_PAGE);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.beforeId !== undefined) {
      where.push('id < ?');
      params.push(q.beforeId);
    }
    if (q.action !== undefined) {
      where.push('action = ?');
      params.push(q.action);
    }
    const sql = `SELECT id, time_iso, actor, ip, action, detail FROM auth_local_audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, limit) as Row[];
    return rows.map((r) => ({ id: r.id, time: r.time_iso, actor: r.actor, ip: r.ip, action: r.action as AuditAction, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
