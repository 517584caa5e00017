import { ConflictError, NotFoundError, ValidationError, type PluginDatabase, type PluginStatement } from 'xlive/sdk';
import type { Role } from './roles.js';

export interface UserRecord {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
}

/** Letters, digits and `._@-`, 1–64 characters, starting with a letter or digit. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MAX_USERS = 1000;

export function parseUsername(v: unknown): string {
  if (typeof v !== 'string' || !USERNAME.test(v)) {
    throw new ValidationError('a username is 1-64 letters, digits or . _ @ -, starting with a letter or digit', {
      details: { username: typeof v === 'string' ? v.slice(0, 64) : null },
    });
  }
  return v;
}

function toRecord(r: Row): UserRecord {
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    disabled: r.disabled !== 0,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Accounts in `auth_local_users` (usernames unique regardless of case). */
export class UserRepository {
  private readonly byName: PluginStatement;
  private readonly byId: PluginStatement;

  constructor(
    private readonly db: PluginDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.byName = db.prepare('SELECT * FROM auth_local_users WHERE username = ? COLLATE NOCASE');
    this.byId = db.prepare('SELECT * FROM auth_local_users WHERE id = ?');
  }

  /** The record and its stored hash, for login. */
  findForLogin(username: string): { user: UserRecord; passwordHash: string } | undefined {
    const r = this.byName.get(username) as Row | undefined;
    return r && { user: toRecord(r), passwordHash: r.password_hash };
  }

  findByName(username: string): UserRecord | undefined {
    const r = this.byName.get(username) as Row | undefined;
    return r && toRecord(r);
  }

  get(id: number): UserRecord | undefined {
    const r = this.byId.get(id) as Row | undefined;
    return r && toRecord(r);
  }

  require(id: number): UserRecord {
    const u = this.get(id);
    if (!u) throw new NotFoundError(`no user with id ${id}`);
    return u;
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM auth_local_users ORDER BY id').all() as Row[]).map(toRecord);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM auth_local_users').get() as { n: number }).n;
  }

  countActiveAdmins(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM auth_local_users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
  }

  /** Insert; ConflictError when the name is taken (in any case) or MAX_USERS is reached. */
  create(username: string, role: Role, passwordHash: string): UserRecord {
    return this.db.transaction(() => {
      if (this.byName.get(username)) throw new ConflictError(`a user named ${JSON.stringify(username)} already exists`);
      if (this.count() >= MAX_USERS) throw new ConflictError(`this box already has ${MAX_USERS} users`);
      const t = this.now();
      const id = Number(
        this.db.prepare('INSERT INTO auth_local_users (username, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)').run(username, role, passwordHash, t, t)
          .lastInsertRowid,
      );
      return this.require(id);
    });
  }

  update(id: number, change: { role?: Role; passwordHash?: string; disabled?: boolean }): UserRecord {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (change.role !== undefined) sets.push('role = ?') && params.push(change.role);
    if (change.passwordHash !== undefined) sets.push('password_hash = ?') && params.push(change.passwordHash);
    if (change.disabled !== undefined) sets.push('disabled = ?') && params.push(change.disabled ? 1 : 0);
    sets.push('updated_at = ?');
    params.push(this.now());
    const r = this.db.prepare(`UPDATE auth_local_users SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    if (r.changes === 0) throw new NotFoundError(`no user with id ${id}`);
    return this.require(id);
  }

  delete(id: number): void {
    if (this.db.prepare('DELETE FROM auth_local_users WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`no user with id ${id}`);
  }
}
